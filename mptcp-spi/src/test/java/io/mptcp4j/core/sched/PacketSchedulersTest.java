package io.mptcp4j.core.sched;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Schedulers by name: the built-ins, a provider found by the ServiceLoader, unknown names and clashes. */
class PacketSchedulersTest {

    @Test
    void everyBuiltInByItsNameAFreshInstancePerConnection() {
        Map<String, Class<?>> expected = Map.of("minrtt", MinRttScheduler.class, "roundrobin",
                RoundRobinScheduler.class, "redundant", RedundantScheduler.class, "blest", BlestScheduler.class,
                "ecf", EcfScheduler.class, "backup", BackupAwareScheduler.class);
        assertThat(PacketSchedulers.BUILT_IN).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((name, type) -> {
            Supplier<PacketScheduler> factory = PacketSchedulers.byName(name);
            PacketScheduler first = factory.get();
            assertThat(first).isInstanceOf(type).hasToString(name);
            assertThat(factory.get()).isNotSameAs(first);
        });
        assertThat(PacketSchedulers.byName("BLEST").get()).isInstanceOf(BlestScheduler.class);
        assertThat(PacketSchedulers.byName(PacketSchedulers.DEFAULT).get()).isInstanceOf(MinRttScheduler.class);
    }

    @Test
    void aSchedulerRegisteredThroughTheServiceLoaderIsFoundByName() {
        assertThat(PacketSchedulers.names()).startsWith(PacketSchedulers.BUILT_IN.toArray(String[]::new))
                .contains(FirstWithRoomProvider.NAME);
        PacketScheduler scheduler = PacketSchedulers.byName("First-With-Room").get();
        assertThat(scheduler).isInstanceOf(FirstWithRoomProvider.FirstWithRoom.class);
        FakeSubflow full = new FakeSubflow("full", 1).full();
        FakeSubflow open = new FakeSubflow("open", 100);
        assertThat(scheduler.selectForData(new FakeContext(full, open))).isSameAs(open);
    }

    @Test
    void anUnknownNameIsRefusedWithTheKnownNames() {
        assertThatThrownBy(() -> PacketSchedulers.byName("lowest-cost"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown packet scheduler 'lowest-cost'; known: minrtt, roundrobin, redundant, blest, "
                        + "ecf, backup, first-with-room");
    }

    @Test
    void aProviderMayNotTakeABuiltInName(@TempDir Path dir) throws IOException {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(PacketSchedulerProvider.class.getName()),
                ClashingProvider.class.getName() + "\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                getClass().getClassLoader())) {
            assertThatThrownBy(() -> PacketSchedulers.names(loader))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("packet scheduler provider io.mptcp4j.core.sched.ClashingProvider takes the "
                            + "built-in name 'ECF'");
            assertThatThrownBy(() -> PacketSchedulers.byName(FirstWithRoomProvider.NAME, loader))
                    .isInstanceOf(IllegalArgumentException.class);
            // The built-ins never depend on what the class path provides.
            assertThat(PacketSchedulers.byName("ecf", loader).get()).isInstanceOf(EcfScheduler.class);
        }
    }
}
