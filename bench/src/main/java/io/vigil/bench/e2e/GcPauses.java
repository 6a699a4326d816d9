package io.vigil.bench.e2e;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The garbage collector's pauses in this JVM while it is open, from the collectors' notifications:
 * how many and the longest. The system under test shares the harness's JVM, so a pause stops its
 * task thread too, and a window that closes during one waits for it: the latency section prints
 * these beside its tail to show how much of the tail they explain.
 */
final class GcPauses implements AutoCloseable {

    /** Pauses seen: their count and the longest, in milliseconds. */
    record Summary(int count, double maxMillis) {}

    private final List<Long> millis = new ArrayList<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener =
            (notification, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                        notification.getType())) {
                    return;
                }
                GarbageCollectionNotificationInfo info =
                        GarbageCollectionNotificationInfo.from(
                                (CompositeData) notification.getUserData());
                // G1's concurrent cycle runs beside the application; only the other collectors'
                // collections stop it.
                if (!info.getGcName().contains("Concurrent")) {
                    synchronized (millis) {
                        millis.add(info.getGcInfo().getDuration());
                    }
                }
            };

    GcPauses() {
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (bean instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
    }

    Summary summary() {
        synchronized (millis) {
            return new Summary(
                    millis.size(), millis.stream().mapToLong(Long::longValue).max().orElse(0));
        }
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                // Never added: nothing to remove.
            }
        }
    }
}
