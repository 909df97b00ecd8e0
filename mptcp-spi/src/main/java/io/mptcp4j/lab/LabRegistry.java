package io.mptcp4j.lab;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The labs of this JVM still open, closed by one shutdown hook if their owners forget. */
final class LabRegistry {

    private static final System.Logger LOG = System.getLogger(LabRegistry.class.getName());
    private static final Set<NamespaceLab> OPEN = new LinkedHashSet<>();
    private static boolean hookInstalled;

    private LabRegistry() {
    }

    static synchronized void register(NamespaceLab lab) {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(LabRegistry::closeAll, "m4j-lab-cleanup"));
            hookInstalled = true;
        }
        OPEN.add(lab);
    }

    static synchronized void unregister(NamespaceLab lab) {
        OPEN.remove(lab);
    }

    /** Labs not yet closed (a snapshot). */
    static synchronized List<NamespaceLab> open() {
        return new ArrayList<>(OPEN);
    }

    /** The shutdown hook body: close every lab still open. */
    static void closeAll() {
        for (NamespaceLab lab : open()) {
            try {
                lab.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not close lab " + lab.id() + " at shutdown", e);
            }
        }
    }
}
