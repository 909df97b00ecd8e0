package io.mptcp4j.nio;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.channels.spi.SelectorProvider;

/**
 * Finds the JDK's own {@link SelectorProvider}, which serves the channels mptcp4j leaves to the platform.
 *
 * <p>When mptcp4j is not the JVM-wide provider, {@link SelectorProvider#provider()} is the platform's. When it is
 * ({@code -Djava.nio.channels.spi.SelectorProvider}), the JDK offers no public way to the default one: it is
 * {@code sun.nio.ch.DefaultSelectorProvider.get()}, in a package java.base does not export. It is called directly
 * if the package is exported to us ({@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}), else through the
 * JDK's trusted method-handle lookup, reached with {@code sun.misc.Unsafe} (module {@code jdk.unsupported}).
 */
final class PlatformProvider {

    private PlatformProvider() {
    }

    /**
     * The platform's provider.
     *
     * @throws IllegalStateException if it cannot be reached, saying which JVM flag fixes it
     */
    static SelectorProvider find() {
        SelectorProvider jvmWide = SelectorProvider.provider();
        if (jvmWide != null && !(jvmWide instanceof MptcpSelectorProvider)) {
            return jvmWide;
        }
        Throwable first;
        try {
            Class<?> c = Class.forName("sun.nio.ch.DefaultSelectorProvider");
            return (SelectorProvider) c.getMethod("get").invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            first = e;
        }
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            Object unsafe = theUnsafe.get(null);
            Field implLookup = MethodHandles.Lookup.class.getDeclaredField("IMPL_LOOKUP");
            Object base = unsafeClass.getMethod("staticFieldBase", Field.class).invoke(unsafe, implLookup);
            long offset = (long) unsafeClass.getMethod("staticFieldOffset", Field.class).invoke(unsafe, implLookup);
            MethodHandles.Lookup trusted = (MethodHandles.Lookup) unsafeClass
                    .getMethod("getObject", Object.class, long.class).invoke(unsafe, base, offset);
            Class<?> c = Class.forName("sun.nio.ch.DefaultSelectorProvider");
            MethodHandle get = trusted.findStatic(c, "get",
                    MethodType.methodType(Class.forName("sun.nio.ch.SelectorProviderImpl")));
            return (SelectorProvider) get.invoke();
        } catch (Throwable e) {
            IllegalStateException failure = new IllegalStateException("mptcp4j is the JVM-wide SelectorProvider and"
                    + " cannot reach the JDK's own provider for the channels it leaves to the platform; add the JVM"
                    + " flag --add-exports java.base/sun.nio.ch=ALL-UNNAMED", e);
            failure.addSuppressed(first);
            throw failure;
        }
    }
}
