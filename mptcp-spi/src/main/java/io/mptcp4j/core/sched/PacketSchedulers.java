package io.mptcp4j.core.sched;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * The packet schedulers by name: the built-ins ({@value MinRttScheduler#NAME}, the default,
 * {@value RoundRobinScheduler#NAME}, {@value RedundantScheduler#NAME}, {@value BlestScheduler#NAME},
 * {@value EcfScheduler#NAME} and {@value BackupAwareScheduler#NAME}) and those of every
 * {@link PacketSchedulerProvider} that {@link ServiceLoader} finds. A name selects a factory for
 * {@code MptcpConfig.builder().scheduler(...)}: each connection gets its own scheduler.
 *
 * <p>Names are matched ignoring case. A provider may not take a name already taken, by a built-in or by another
 * provider: such a clash is refused rather than letting a jar on the class path silently replace a scheduler.
 */
public final class PacketSchedulers {

    /** The scheduler used when none is configured. */
    public static final String DEFAULT = MinRttScheduler.NAME;

    /** The built-in names, in the order error messages list them. */
    public static final List<String> BUILT_IN = List.of(MinRttScheduler.NAME, RoundRobinScheduler.NAME,
            RedundantScheduler.NAME, BlestScheduler.NAME, EcfScheduler.NAME, BackupAwareScheduler.NAME);

    private PacketSchedulers() {
    }

    /**
     * A factory of the scheduler called {@code name}, ignoring case: a built-in or one from a
     * {@link PacketSchedulerProvider} visible to the thread's context class loader.
     *
     * @throws IllegalArgumentException if no scheduler has that name (the message lists the known ones), or if
     *                                  providers clash on a name
     * @throws java.util.ServiceConfigurationError if a provider cannot be loaded
     */
    public static Supplier<PacketScheduler> byName(String name) {
        return byName(name, Thread.currentThread().getContextClassLoader());
    }

    /**
     * A factory of the scheduler called {@code name}, ignoring case: a built-in or one from a
     * {@link PacketSchedulerProvider} visible to {@code loader}.
     *
     * @throws IllegalArgumentException if no scheduler has that name (the message lists the known ones), or if
     *                                  providers clash on a name
     * @throws java.util.ServiceConfigurationError if a provider cannot be loaded
     */
    public static Supplier<PacketScheduler> byName(String name, ClassLoader loader) {
        Objects.requireNonNull(name, "name");
        Supplier<PacketScheduler> builtIn = builtIn(key(name));
        if (builtIn != null) {
            return builtIn;
        }
        PacketSchedulerProvider provider = providers(loader).get(key(name));
        if (provider == null) {
            throw new IllegalArgumentException("unknown packet scheduler '" + name + "'; known: "
                    + String.join(", ", names(loader)));
        }
        return () -> Objects.requireNonNull(provider.newScheduler(),
                () -> "scheduler provider " + provider.name() + " returned null");
    }

    /** The known names: the built-ins, then the providers' visible to the thread's context class loader. */
    public static List<String> names() {
        return names(Thread.currentThread().getContextClassLoader());
    }

    /** The known names: the built-ins, then the providers' visible to {@code loader}, as they spell them. */
    public static List<String> names(ClassLoader loader) {
        List<String> names = new ArrayList<>(BUILT_IN);
        for (PacketSchedulerProvider p : providers(loader).values()) {
            names.add(p.name());
        }
        return names;
    }

    private static Supplier<PacketScheduler> builtIn(String key) {
        switch (key) {
            case MinRttScheduler.NAME:
                return MinRttScheduler::new;
            case RoundRobinScheduler.NAME:
                return RoundRobinScheduler::new;
            case RedundantScheduler.NAME:
                return RedundantScheduler::new;
            case BlestScheduler.NAME:
                return BlestScheduler::new;
            case EcfScheduler.NAME:
                return EcfScheduler::new;
            case BackupAwareScheduler.NAME:
                return BackupAwareScheduler::new;
            default:
                return null;
        }
    }

    /** The providers by lower-case name, in the order the service loader found them. */
    private static Map<String, PacketSchedulerProvider> providers(ClassLoader loader) {
        Map<String, PacketSchedulerProvider> byKey = new LinkedHashMap<>();
        for (PacketSchedulerProvider p : ServiceLoader.load(PacketSchedulerProvider.class, loader)) {
            String name = p.name();
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("blank packet scheduler name from " + p.getClass().getName());
            }
            String key = key(name);
            if (builtIn(key) != null) {
                throw new IllegalArgumentException("packet scheduler provider " + p.getClass().getName()
                        + " takes the built-in name '" + name + "'");
            }
            PacketSchedulerProvider previous = byKey.putIfAbsent(key, p);
            if (previous != null) {
                throw new IllegalArgumentException("packet scheduler '" + name + "' is provided twice: by "
                        + previous.getClass().getName() + " and " + p.getClass().getName());
            }
        }
        return byKey;
    }

    private static String key(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }
}
