package io.mptcp4j.sim;

import io.mptcp4j.core.time.Deadlines;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * A deterministic network simulator for sans-IO {@link io.mptcp4j.core.stack.NetworkStack}s: hosts, links, a
 * virtual clock and an event queue, all driven from the calling thread.
 *
 * <p>The clock starts at {@link #ORIGIN_NANOS} and moves only when the run loop jumps to the next event, so a
 * ten-minute timer takes no wall time. At each instant the loop repeats, until nothing more happens at that
 * instant: run the application steps (when something happened since their last turn), poll every host's stack for
 * packets to send, deliver the packets and run the actions due, run the stack timers due. Then it jumps to the
 * earliest of the next delivery, action and stack timer.
 *
 * <p>Every random choice comes from generators split from the seed, and ties are broken by scheduling order, so
 * a seed replays a run exactly. {@link #context()} gives the seed and the virtual time for assertion messages.
 *
 * <p>Two guards stop a livelock with a {@link SimulationFailure}: a stack whose timer is still due right after
 * {@code handleTimeout} is held back by {@link #timerQuantumNanos()} and fails after too many stalls in a row;
 * and an instant fails after too many rounds that each found work to do.
 */
public final class SimNetwork {

    /** The virtual instant at which every simulation starts: arbitrary, and deliberately not 0. */
    public static final long ORIGIN_NANOS = 1_000_000_000L;

    private final long seed;
    private final SplittableRandom linkRandoms;
    private final SplittableRandom random;
    private final EventQueue events = new EventQueue();
    private final PacketPool pool = new PacketPool();
    private final List<SimHost> hosts = new ArrayList<>();
    private final List<SimLink> links = new ArrayList<>();
    private final List<PacketObserver> observers = new ArrayList<>();
    private final List<Runnable> applications = new ArrayList<>();
    /** Whether a run started, or a delivery, action or timer happened, since the application steps last ran. */
    private boolean applicationsDue = true;
    private long now = ORIGIN_NANOS;

    private long timerQuantumNanos = 1_000;
    private int maxConsecutiveTimerStalls = 1_000;
    private int maxRoundsPerInstant = 100_000;
    private long timerStalls;

    /** An empty network whose random choices all derive from {@code seed}. */
    public SimNetwork(long seed) {
        this.seed = seed;
        SplittableRandom root = new SplittableRandom(seed);
        this.random = root.split();
        this.linkRandoms = root.split();
    }

    /**
     * Two hosts, "client" and "server", joined by one duplex link per given configuration (both directions
     * alike); see {@link TwoHostNetwork} for the addresses.
     */
    public static TwoHostNetwork twoHosts(long seed, LinkConfig... paths) {
        return TwoHostNetwork.create(new SimNetwork(seed), paths);
    }

    public long seed() {
        return seed;
    }

    /** The virtual instant, in nanoseconds. */
    public long now() {
        return now;
    }

    /** Virtual nanoseconds since {@link #ORIGIN_NANOS}. */
    public long elapsedNanos() {
        return now - ORIGIN_NANOS;
    }

    /** A generator for tests and simulated applications, derived from the seed and apart from the links'. */
    public RandomGenerator random() {
        return random;
    }

    /** The seed and the virtual time, for assertion messages: "seed=42, t=+1.500000000s". */
    public String context() {
        return "seed=" + seed + ", t=" + formatInstant(now);
    }

    /** An instant as seconds since the origin: "+1.500000000s". */
    public static String formatInstant(long instant) {
        long elapsed = instant - ORIGIN_NANOS;
        String sign = elapsed < 0 ? "-" : "+";
        long magnitude = Math.abs(elapsed);
        return String.format("%s%d.%09ds", sign, magnitude / 1_000_000_000L, magnitude % 1_000_000_000L);
    }

    /**
     * Adds a host with no interface and no stack yet.
     *
     * @throws IllegalArgumentException if the name is taken
     */
    public SimHost addHost(String name) {
        Objects.requireNonNull(name, "name");
        for (SimHost host : hosts) {
            if (host.name().equals(name)) {
                throw new IllegalArgumentException("a host is already named " + name);
            }
        }
        SimHost host = new SimHost(this, name);
        hosts.add(host);
        return host;
    }

    /** Connects two interfaces with a duplex link whose directions are both configured by {@code config}. */
    public SimDuplexLink connect(SimInterface a, SimInterface b, LinkConfig config) {
        return connect(a, b, config, config);
    }

    /**
     * Connects two interfaces of different hosts with a duplex link.
     *
     * @throws IllegalArgumentException if an interface belongs to another network, or both to one host
     * @throws IllegalStateException    if an interface is already connected
     */
    public SimDuplexLink connect(SimInterface a, SimInterface b, LinkConfig aToB, LinkConfig bToA) {
        if (a.host().network() != this || b.host().network() != this) {
            throw new IllegalArgumentException("both interfaces must belong to this network");
        }
        if (a.host() == b.host()) {
            throw new IllegalArgumentException("a link joins two different hosts, not " + a + " and " + b);
        }
        if (a.link() != null || b.link() != null) {
            throw new IllegalStateException((a.link() != null ? a : b) + " is already connected");
        }
        SimLink forward = new SimLink(this, a, b, aToB, linkRandoms.split());
        SimLink backward = new SimLink(this, b, a, bToA, linkRandoms.split());
        a.attach(forward);
        b.attach(backward);
        links.add(forward);
        links.add(backward);
        return new SimDuplexLink(forward, backward);
    }

    public List<SimHost> hosts() {
        return List.copyOf(hosts);
    }

    public List<SimLink> links() {
        return List.copyOf(links);
    }

    /** Lets {@code observer} see every packet sent, delivered or dropped from now on. */
    public void addObserver(PacketObserver observer) {
        observers.add(Objects.requireNonNull(observer, "observer"));
    }

    /**
     * Runs {@code step} at the start of each run and of every round that follows a delivery, an action or a stack
     * timer, before the stacks are polled: the place for simulated applications to accept, read, write and close,
     * so that what they cause is sent in the same round. Steps run in the order added; one that throws stops the
     * simulation with the seed and time.
     */
    public void addApplication(Runnable step) {
        applications.add(Objects.requireNonNull(step, "step"));
        applicationsDue = true;
    }

    /**
     * Runs {@code action} at virtual instant {@code time}, after the events already scheduled for that instant.
     *
     * @throws IllegalArgumentException if {@code time} is in the past
     */
    public void at(long time, Runnable action) {
        Objects.requireNonNull(action, "action");
        if (time < now) {
            throw new IllegalArgumentException("cannot schedule at " + formatInstant(time) + ", before now ("
                    + context() + ")");
        }
        events.schedule(new ScheduledAction(action), time);
    }

    /** Runs {@code action} {@code delayNanos} from now. */
    public void after(long delayNanos, Runnable action) {
        if (delayNanos < 0) {
            throw new IllegalArgumentException("negative delay: " + delayNanos);
        }
        at(now + delayNanos, action);
    }

    /** Runs the simulation for {@code nanos} of virtual time; the clock then reads exactly {@code now + nanos}. */
    public void runFor(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("negative duration: " + nanos);
        }
        requireStacks();
        applicationsDue = true;
        long end = later(nanos);
        while (true) {
            settle();
            long next = nextEventTime();
            if (next > end) {
                now = end;
                return;
            }
            now = next;
        }
    }

    /** Runs the simulation for {@code duration} of virtual time. */
    public void runFor(Duration duration) {
        runFor(duration.toNanos());
    }

    /**
     * Runs the simulation until {@code done} holds, checking it whenever nothing more happens at an instant.
     *
     * @return the virtual instant at which {@code done} held
     * @throws SimulationFailure if {@code done} still does not hold after {@code maxVirtualNanos}
     */
    public long runUntil(BooleanSupplier done, long maxVirtualNanos) {
        if (maxVirtualNanos < 0) {
            throw new IllegalArgumentException("negative duration: " + maxVirtualNanos);
        }
        requireStacks();
        applicationsDue = true;
        long deadline = later(maxVirtualNanos);
        while (true) {
            settle();
            if (done.getAsBoolean()) {
                return now;
            }
            long next = nextEventTime();
            if (next > deadline) {
                String why = next == Deadlines.NEVER ? "the network went idle" : "it was still busy";
                now = deadline;
                throw new SimulationFailure("not done after " + formatDuration(maxVirtualNanos) + " of virtual time ("
                        + why + "; " + context() + ")\n" + summary());
            }
            now = next;
        }
    }

    /** Runs the simulation until {@code done} holds, for at most {@code maxVirtualTime}. */
    public long runUntil(BooleanSupplier done, Duration maxVirtualTime) {
        return runUntil(done, maxVirtualTime.toNanos());
    }

    /** Virtual time by which a stuck stack timer is held back; 1 µs unless set. */
    public long timerQuantumNanos() {
        return timerQuantumNanos;
    }

    /**
     * Sets the livelock guards: how far to hold back a timer still due after it ran, how many such stalls in a row
     * a host may have, and how many rounds with work one instant may take. The defaults are 1 µs, 1000 and 100 000.
     */
    public SimNetwork livelockGuard(long timerQuantumNanos, int maxConsecutiveTimerStalls, int maxRoundsPerInstant) {
        if (timerQuantumNanos <= 0 || maxConsecutiveTimerStalls < 0 || maxRoundsPerInstant <= 0) {
            throw new IllegalArgumentException("livelock guard needs a positive quantum and round limit, got "
                    + timerQuantumNanos + " ns, " + maxConsecutiveTimerStalls + ", " + maxRoundsPerInstant);
        }
        this.timerQuantumNanos = timerQuantumNanos;
        this.maxConsecutiveTimerStalls = maxConsecutiveTimerStalls;
        this.maxRoundsPerInstant = maxRoundsPerInstant;
        return this;
    }

    /** Stack timers that were still due right after they ran, over the whole run. */
    public long timerStalls() {
        return timerStalls;
    }

    /** One line per host and per link with its counters. */
    public String summary() {
        StringBuilder text = new StringBuilder();
        for (SimHost host : hosts) {
            text.append("  host ").append(host.name()).append(": sent ").append(host.sentPackets())
                    .append(", received ").append(host.receivedPackets())
                    .append(", unroutable ").append(host.unroutablePackets())
                    .append(", next timer ").append(host.stack() == null ? "-" : timerText(host.timerDeadline()))
                    .append('\n');
        }
        for (SimLink link : links) {
            text.append("  link ").append(link).append(": ").append(link.counters())
                    .append(", in flight ").append(link.inFlightPackets()).append('\n');
        }
        return text.toString();
    }

    void schedule(SimEvent event, long time) {
        events.schedule(event, time);
    }

    PacketPool pool() {
        return pool;
    }

    void trace(long time, TraceKind kind, String location, DropReason reason, ByteBuffer packet) {
        if (observers.isEmpty()) {
            return;
        }
        int position = packet.position();
        int limit = packet.limit();
        for (PacketObserver observer : observers) {
            observer.onPacket(time, kind, location, reason, packet);
            packet.limit(limit).position(position);
        }
    }

    void timerStalled(SimHost host, long deadline, int consecutive) {
        timerStalls++;
        if (consecutive > maxConsecutiveTimerStalls) {
            throw new SimulationFailure("livelock: " + host.name() + "'s timer is still due at "
                    + formatInstant(deadline) + " right after handleTimeout, " + consecutive + " times in a row ("
                    + context() + ")");
        }
    }

    /** A failure thrown by a stack or an action, with the seed and time; a {@link SimulationFailure} as it is. */
    SimulationFailure wrapFailure(String what, Throwable cause) {
        if (cause instanceof SimulationFailure failure) {
            return failure;
        }
        return new SimulationFailure(what + " (" + context() + "): " + cause, cause);
    }

    /** Does all the work of the current instant. */
    private void settle() {
        for (int round = 1; ; round++) {
            if (applicationsDue) {
                applicationsDue = false;
                runApplications();
            }
            boolean busy = false;
            for (int i = 0; i < hosts.size(); i++) {
                busy |= hosts.get(i).pollTransmit(now) > 0;
            }
            while (events.peekTime() <= now) {
                events.poll().fire();
                busy = true;
                applicationsDue = true;
            }
            for (int i = 0; i < hosts.size(); i++) {
                if (hosts.get(i).runTimersIfDue(now)) {
                    busy = true;
                    applicationsDue = true;
                }
            }
            if (!busy) {
                return;
            }
            if (round >= maxRoundsPerInstant) {
                throw new SimulationFailure("livelock: " + round + " rounds of work at one instant; stacks keep "
                        + "sending or timers keep firing without time passing (" + context() + ")\n" + summary());
            }
        }
    }

    private void runApplications() {
        for (int i = 0; i < applications.size(); i++) {
            try {
                applications.get(i).run();
            } catch (RuntimeException | AssertionError e) {
                throw wrapFailure("an application step threw", e);
            }
        }
    }

    private long nextEventTime() {
        long next = events.peekTime();
        for (int i = 0; i < hosts.size(); i++) {
            next = Math.min(next, hosts.get(i).timerDeadline());
        }
        return Math.max(next, now);
    }

    /** The instant {@code nanos} from now, capped just below {@link Deadlines#NEVER}. */
    private long later(long nanos) {
        return nanos < Deadlines.NEVER - 1 - now ? now + nanos : Deadlines.NEVER - 1;
    }

    private void requireStacks() {
        for (SimHost host : hosts) {
            if (host.stack() == null) {
                throw new IllegalStateException("host " + host.name() + " has no stack installed");
            }
        }
    }

    private static String formatDuration(long nanos) {
        return String.format("%d.%09ds", nanos / 1_000_000_000L, nanos % 1_000_000_000L);
    }

    private static String timerText(long deadline) {
        return deadline == Deadlines.NEVER ? "never" : formatInstant(deadline);
    }

    /** An action scheduled with {@link #at}. */
    private final class ScheduledAction extends SimEvent {

        private final Runnable action;

        ScheduledAction(Runnable action) {
            this.action = action;
        }

        @Override
        void fire() {
            try {
                action.run();
            } catch (RuntimeException | AssertionError e) {
                throw wrapFailure("a scheduled action threw", e);
            }
        }
    }
}
