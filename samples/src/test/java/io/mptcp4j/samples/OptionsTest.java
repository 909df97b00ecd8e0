package io.mptcp4j.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The subcommands' option parsing is strict: anything unknown, missing, repeated or out of range is refused. */
class OptionsTest {

    private static final Set<String> KNOWN = Set.of("seconds", "rate", "direction");

    @Test
    void readsValuesInBothSpellings() throws Exception {
        Options o = Options.parse("t", List.of("--seconds", "5", "--direction=upload"), KNOWN);
        assertThat(o.integer("seconds", 10, 1, 60)).isEqualTo(5);
        assertThat(o.choice("direction", "both", List.of("upload", "both"))).isEqualTo("upload");
        assertThat(o.text("rate", "none")).isEqualTo("none");
    }

    @Test
    void refusesWhatItDoesNotKnowOrCannotRead() {
        assertThatThrownBy(() -> Options.parse("t", List.of("--frob", "1"), KNOWN))
                .isInstanceOf(Mptcp.UsageException.class).hasMessageContaining("unknown option --frob");
        assertThatThrownBy(() -> Options.parse("t", List.of("--seconds"), KNOWN))
                .hasMessageContaining("--seconds needs a value");
        assertThatThrownBy(() -> Options.parse("t", List.of("--seconds", "1", "--seconds", "2"), KNOWN))
                .hasMessageContaining("given twice");
        assertThatThrownBy(() -> Options.parse("t", List.of("stray"), KNOWN))
                .hasMessageContaining("unexpected argument 'stray'");
        assertThatThrownBy(() -> Options.parse("t", List.of("--seconds", "x"), KNOWN).integer("seconds", 1, 1, 9))
                .hasMessageContaining("must be an integer");
        assertThatThrownBy(() -> Options.parse("t", List.of("--seconds", "0"), KNOWN).integer("seconds", 1, 1, 9))
                .hasMessageContaining("between 1 and 9");
        assertThatThrownBy(() -> Options.parse("t", List.of("--direction", "up"), KNOWN)
                .choice("direction", "both", List.of("upload", "both"))).hasMessageContaining("must be one of");
    }

    @Test
    void parsesRates() throws Exception {
        assertThat(Options.parseRate("rate", "50mbit")).isEqualTo(50_000_000L);
        assertThat(Options.parseRate("rate", "1.5Gbit")).isEqualTo(1_500_000_000L);
        assertThat(Options.parseRate("rate", "800kbit")).isEqualTo(800_000L);
        assertThat(Options.parseRate("rate", "none")).isZero();
        assertThatThrownBy(() -> Options.parseRate("rate", "50")).hasMessageContaining("like 50mbit");
        assertThatThrownBy(() -> Options.parseRate("rate", "1bit")).hasMessageContaining("between 8kbit");
    }
}
