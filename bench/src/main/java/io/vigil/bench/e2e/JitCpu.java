package io.vigil.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of this JVM's JIT compiler threads, read from {@code /proc/self/task} (Linux). The
 * compilation time {@code CompilationMXBean} reports is elapsed time summed over the compiler
 * threads, which on two busy cores is several times their CPU time, so it cannot say what the
 * compiler took from a run.
 */
final class JitCpu {

    /** Linux reports thread times in clock ticks of 1/100 s (USER_HZ). */
    private static final double SECONDS_PER_TICK = 0.01;

    private final Map<String, Long> ticksAtStart = ticks();

    /**
     * CPU seconds the compiler threads spent since this object was made. A compiler thread the JVM
     * retired meanwhile takes its time with it, so this is a lower bound.
     */
    double seconds() {
        long spent = 0;
        for (Map.Entry<String, Long> thread : ticks().entrySet()) {
            spent += thread.getValue() - ticksAtStart.getOrDefault(thread.getKey(), 0L);
        }
        return spent * SECONDS_PER_TICK;
    }

    private static Map<String, Long> ticks() {
        Map<String, Long> ticks = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            tasks.forEach(task -> compilerTicks(task, ticks));
        } catch (IOException e) {
            // Not Linux: no figure rather than a wrong one.
        }
        return ticks;
    }

    private static void compilerTicks(Path task, Map<String, Long> ticks) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            if (!name.startsWith("C1 Compiler") && !name.startsWith("C2 Compiler")) {
                return;
            }
            // After the name: state, then 10 fields, then utime and stime (proc(5) fields 14, 15).
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks.put(
                    task.getFileName().toString(),
                    Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
        } catch (IOException | RuntimeException e) {
            // The thread ended between listing and reading.
        }
    }
}
