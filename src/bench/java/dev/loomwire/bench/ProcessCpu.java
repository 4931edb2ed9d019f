package dev.loomwire.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * This JVM's CPU time in nanoseconds, every thread counted (callers, carriers, the drivers' readers,
 * Netty's event loops, GC and JIT threads, threads that have already ended). {@code
 * OperatingSystemMXBean.getProcessCpuTime()} has the same scope but counts in clock ticks on Linux
 * (10 ms), too coarse for a repetition of a few hundred milliseconds; so on Linux this calls
 * {@code clock_gettime(CLOCK_PROCESS_CPUTIME_ID)} (nanoseconds) through the FFM API. The bench
 * compiles for Java 21, where FFM is still a preview, so the calls are looked up reflectively and
 * used when the running JDK (22+) has the final API; otherwise the MXBean's value is used and
 * {@link #source()} says so in the report.
 */
final class ProcessCpu {
    private static final int CLOCK_PROCESS_CPUTIME_ID = 2; // Linux
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    private static final Clock CLOCK = clock();

    /** clock_gettime as (int, MemorySegment) → int, a 16-byte timespec, and MemorySegment.get(JAVA_LONG, offset). */
    private record Clock(MethodHandle clockGettime, Object timespec, MethodHandle getLong, Object javaLong) {}

    private ProcessCpu() {}

    static long nanos() {
        if (CLOCK == null) {
            return OS.getProcessCpuTime();
        }
        LOCK.lock();
        try {
            int rc = (int) CLOCK.clockGettime().invokeExact(CLOCK_PROCESS_CPUTIME_ID, CLOCK.timespec());
            if (rc != 0) {
                throw new IllegalStateException("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) returned " + rc);
            }
            long seconds = (long) CLOCK.getLong().invokeExact(CLOCK.timespec(), CLOCK.javaLong(), 0L);
            long nanos = (long) CLOCK.getLong().invokeExact(CLOCK.timespec(), CLOCK.javaLong(), 8L);
            return seconds * 1_000_000_000L + nanos;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("clock_gettime failed", e);
        } finally {
            LOCK.unlock();
        }
    }

    /** Which clock {@link #nanos()} reads, for the report's header. */
    static String source() {
        return CLOCK != null ? "clock_gettime(CLOCK_PROCESS_CPUTIME_ID), ns resolution"
                : "OperatingSystemMXBean.getProcessCpuTime() (clock ticks: coarse for short repetitions)";
    }

    private static Clock clock() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
                || !"amd64 x86_64 aarch64".contains(System.getProperty("os.arch", "?"))) {
            return null; // the clock id and the 64-bit timespec layout below are Linux's on 64-bit CPUs
        }
        try {
            Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
            Class<?> symbolLookupClass = Class.forName("java.lang.foreign.SymbolLookup");
            Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> valueLayoutClass = Class.forName("java.lang.foreign.ValueLayout");
            Class<?> ofLongClass = Class.forName("java.lang.foreign.ValueLayout$OfLong");
            Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> optionClass = Class.forName("java.lang.foreign.Linker$Option");
            Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");

            Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
            Object libc = linkerClass.getMethod("defaultLookup").invoke(linker);
            Optional<?> symbol = (Optional<?>) symbolLookupClass.getMethod("find", String.class).invoke(libc, "clock_gettime");
            if (symbol.isEmpty()) {
                return null;
            }
            Object javaInt = valueLayoutClass.getField("JAVA_INT").get(null);
            Object address = valueLayoutClass.getField("ADDRESS").get(null);
            Object javaLong = valueLayoutClass.getField("JAVA_LONG").get(null);
            Object args = Array.newInstance(layoutClass, 2);
            Array.set(args, 0, javaInt);
            Array.set(args, 1, address);
            Object descriptor = descriptorClass.getMethod("of", layoutClass, args.getClass()).invoke(null, javaInt, args);
            MethodHandle downcall = (MethodHandle) linkerClass.getMethod("downcallHandle", segmentClass, descriptorClass, optionClass.arrayType())
                    .invoke(linker, symbol.get(), descriptor, Array.newInstance(optionClass, 0));
            Object arena = arenaClass.getMethod("global").invoke(null);
            Object timespec = arenaClass.getMethod("allocate", long.class).invoke(arena, 16L);
            MethodHandle get = MethodHandles.publicLookup().findVirtual(segmentClass, "get", MethodType.methodType(long.class, ofLongClass, long.class));
            Clock c = new Clock(downcall.asType(MethodType.methodType(int.class, int.class, Object.class)), timespec,
                    get.asType(MethodType.methodType(long.class, Object.class, Object.class, long.class)), javaLong);
            LOCK.lock();
            try {
                int rc = (int) c.clockGettime().invokeExact(CLOCK_PROCESS_CPUTIME_ID, c.timespec());
                return rc == 0 ? c : null;
            } finally {
                LOCK.unlock();
            }
        } catch (Throwable e) {
            return null; // JDK 21 (preview FFM) or no native access: the MXBean's ticks
        }
    }
}
