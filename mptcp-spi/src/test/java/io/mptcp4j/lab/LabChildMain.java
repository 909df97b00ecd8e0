package io.mptcp4j.lab;

/**
 * Run in a child JVM by {@link NamespaceLabTest}: builds a lab, prints its namespace names, then ends the JVM
 * without closing the lab — normally ({@code exit}: the shutdown hook must clean up) or abruptly
 * ({@code halt}: no hook runs, the namespaces stay for the stale-lab cleaner).
 */
public final class LabChildMain {

    private LabChildMain() {
    }

    public static void main(String[] args) throws Exception {
        NamespaceLab lab = NamespaceLab.builder().paths(1).build();
        System.out.println(lab.namespaceName(Host.CLIENT));
        System.out.println(lab.namespaceName(Host.SERVER));
        System.out.flush();
        if ("halt".equals(args[0])) {
            Runtime.getRuntime().halt(0);
        }
        System.exit(0);
    }
}
