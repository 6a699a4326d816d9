package io.vigil.gateway.testing;

import io.vigil.pipelines.InboundMessage;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that only counts what reaches it, per subtask, and remembers the distinct payloads. The
 * MiniCluster runs in the test's JVM, so the counts are read from static maps keyed by a run id.
 */
public final class CountingSink implements Sink<InboundMessage> {

    private static final Map<String, Map<Integer, AtomicLong>> COUNTS = new ConcurrentHashMap<>();
    private static final Map<String, Set<String>> PAYLOADS = new ConcurrentHashMap<>();

    private final String run;

    public CountingSink(String run) {
        this.run = run;
        COUNTS.put(run, new ConcurrentHashMap<>());
        PAYLOADS.put(run, ConcurrentHashMap.newKeySet());
    }

    public static long total(String run) {
        return COUNTS.get(run).values().stream().mapToLong(AtomicLong::get).sum();
    }

    public static Map<Integer, AtomicLong> bySubtask(String run) {
        return COUNTS.get(run);
    }

    public static int distinct(String run) {
        return PAYLOADS.get(run).size();
    }

    @Override
    public SinkWriter<InboundMessage> createWriter(WriterInitContext context) {
        AtomicLong count =
                COUNTS.get(run)
                        .computeIfAbsent(
                                context.getTaskInfo().getIndexOfThisSubtask(),
                                i -> new AtomicLong());
        Set<String> payloads = PAYLOADS.get(run);
        return new SinkWriter<>() {
            @Override
            public void write(InboundMessage element, Context ctx) {
                payloads.add(new String(element.payload(), StandardCharsets.UTF_8));
                count.incrementAndGet();
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
