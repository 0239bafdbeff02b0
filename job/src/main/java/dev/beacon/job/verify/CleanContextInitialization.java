package dev.beacon.job.verify;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.security.Provider;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;

/**
 * The first use of a JVM-wide native provider (ACCP from Flink's {@code lib/}), run so that it does not pin this job's
 * class loader. ACCP starts its "Native reference cleanup thread" on first use, and that thread lives as long as the
 * JVM. A new thread keeps the security context of the code that created it ({@code inheritedAccessControlContext}):
 * the protection domains of every class on the creating stack, each holding its class loader. Created under triage's
 * {@code open()}, it held the first job's user-code class loader (about 2,900 classes) for good, found in a heap dump
 * of a drill TaskManager (docs/architecture.md "Performance").
 *
 * <p>So class initialization and the self-test run on a fresh pool thread (created by the JDK with a clean context),
 * through a method-handle proxy (a class without a protection domain), so no class of the job is on the stack or in
 * the inherited context when ACCP creates its thread.
 */
final class CleanContextInitialization {

    private CleanContextInitialization() {}

    /**
     * {@code type.INSTANCE} after its {@code assertHealthy()} passed, both run outside the job's security context.
     *
     * @throws IllegalStateException when the class cannot be initialized or the self-test fails (type and message)
     */
    static Provider healthyInstance(Class<?> type) {
        MethodHandle instance;
        MethodHandle assertHealthy;
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            instance = lookup.findStaticGetter(type, "INSTANCE", type).asType(MethodType.methodType(Object.class));
            assertHealthy = lookup.findVirtual(type, "assertHealthy", MethodType.methodType(void.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        Provider provider = (Provider) run(proxy(instance, type), "initialization");
        run(proxy(assertHealthy.bindTo(provider).asType(MethodType.methodType(Object.class)), type), "unhealthy");
        return provider;
    }

    /**
     * A {@link Callable} proxy for {@code handle}, defined in {@code type}'s class loader: the JDK defines it in the
     * thread's context class loader, which on a task thread is Flink's wrapper of the job's class loader, and a class
     * defined there kept the job's class loader alive after the job (seen on the drill's cluster).
     */
    private static Callable<?> proxy(MethodHandle handle, Class<?> type) {
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        thread.setContextClassLoader(type.getClassLoader());
        try {
            return MethodHandleProxies.asInterfaceInstance(Callable.class, handle);
        } finally {
            thread.setContextClassLoader(context);
        }
    }

    /** Runs {@code task} on a one-thread pool of its own (its thread made by the JDK's default factory). */
    private static Object run(Callable<?> task, String what) {
        ForkJoinPool pool = new ForkJoinPool(1);
        try {
            return pool.submit(task).get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof ExceptionInInitializerError && cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new IllegalStateException(what + ": " + cause.getClass().getSimpleName() + ": "
                    + cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + ": interrupted");
        } finally {
            pool.shutdown();
        }
    }
}
