package io.mptcp4j.sim.scenarios;

import io.mptcp4j.sim.SimNetwork;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@link StreamApp}s inside a {@link SimNetwork}: every unfinished application gets a turn whenever the run
 * loop runs its application steps ({@link SimNetwork#addApplication}), so what it writes or reads is sent in that
 * round; finished ones are dropped from the turn.
 */
public final class SimApplications {

    private final SimNetwork network;
    private final ByteBuffer scratch = ByteBuffer.allocate(64 * 1024);
    private final List<StreamApp<?>> running = new ArrayList<>();

    /** Applications that run in {@code network} from its next round on. */
    public SimApplications(SimNetwork network) {
        this.network = network;
        network.addApplication(this::step);
    }

    /** Adds an application; it acts once it has a connection. */
    public void add(StreamApp<?> app) {
        running.add(app);
    }

    /** Whether every application added so far has finished, well or not. */
    public boolean allFinished() {
        return running.isEmpty();
    }

    /** The progress of each application still running, one per line. */
    public String progress() {
        StringBuilder text = new StringBuilder();
        for (StreamApp<?> app : running) {
            text.append("  ").append(app.progress()).append('\n');
        }
        return text.toString();
    }

    private void step() {
        long now = network.now();
        for (int i = 0; i < running.size(); ) {
            StreamApp<?> app = running.get(i);
            app.step(now, scratch);
            if (app.isFinished()) {
                running.set(i, running.get(running.size() - 1));
                running.remove(running.size() - 1);
            } else {
                i++;
            }
        }
    }
}
