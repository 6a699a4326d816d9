package io.vigil.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of this JVM's threads by what they do, read from {@code /proc/self/task} (Linux): Paho's
 * receiving, callback and sending threads, the Flink task thread that runs a chained pipeline, the
 * JIT compilers and the garbage collector. It shows which part of a run's CPU per reading a system
 * adds, and whether the JIT was still compiling while the clock ran ({@code CompilationMXBean}'s
 * compilation time is elapsed time summed over the compiler threads, several times their CPU on two
 * busy cores).
 */
final class ThreadCpu {

    /** The groups, in the order they are printed; "other" is the process's CPU not in any. */
    static final String[] GROUPS = {
        "MQTT receive", "MQTT callback", "MQTT send", "Flink task", "JIT", "GC"
    };

    /** Linux reports thread times in clock ticks of 1/100 s (USER_HZ). */
    private static final double SECONDS_PER_TICK = 0.01;

    private final Map<String, Long> ticksAtStart = ticks();

    /**
     * CPU seconds per group since this object was made. A thread that ended meanwhile takes its
     * time with it (it then counts under "other" once the process total is known).
     */
    Map<String, Double> seconds() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (String group : GROUPS) {
            seconds.put(group, 0.0);
        }
        for (Map.Entry<String, Long> thread : ticks().entrySet()) {
            String tid = thread.getKey();
            String group = tid.substring(tid.indexOf('/') + 1);
            long spent = thread.getValue() - ticksAtStart.getOrDefault(tid, 0L);
            seconds.merge(group, spent * SECONDS_PER_TICK, Double::sum);
        }
        return seconds;
    }

    /** Ticks per thread, keyed "tid/group"; threads of no group are left out. */
    private static Map<String, Long> ticks() {
        Map<String, Long> ticks = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            tasks.forEach(task -> read(task, ticks));
        } catch (IOException e) {
            // Not Linux: no breakdown rather than a wrong one.
        }
        return ticks;
    }

    private static void read(Path task, Map<String, Long> ticks) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            String group = group(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
            if (group == null) {
                return;
            }
            // After the name: the state, ten fields, then utime and stime (proc(5) fields 14, 15).
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks.put(
                    task.getFileName() + "/" + group,
                    Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
        } catch (IOException | RuntimeException e) {
            // The thread ended between listing and reading.
        }
    }

    /** The group of a thread by its name, as Linux keeps it (the first 15 characters). */
    private static String group(String name) {
        if (name.startsWith("MQTT Rec")) {
            return "MQTT receive";
        } else if (name.startsWith("MQTT Call")) {
            return "MQTT callback";
        } else if (name.startsWith("MQTT Snd") || name.startsWith("MQTT Ping")) {
            return "MQTT send";
        } else if (name.startsWith("Source: ")) {
            // Flink names a task thread after its chain, which starts at the source.
            return "Flink task";
        } else if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
            return "JIT";
        } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
            return "GC";
        }
        return null;
    }
}
