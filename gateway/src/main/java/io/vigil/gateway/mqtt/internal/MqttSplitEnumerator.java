package io.vigil.gateway.mqtt.internal;

import java.util.List;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

/**
 * Gives every reader that registers its own {@link MqttSplit}. The broker, not Flink, shares the
 * messages among the readers (MQTT 5 shared subscription), so there is nothing to balance here.
 */
public final class MqttSplitEnumerator implements SplitEnumerator<MqttSplit, Void> {

    private final SplitEnumeratorContext<MqttSplit> context;

    public MqttSplitEnumerator(SplitEnumeratorContext<MqttSplit> context) {
        this.context = context;
    }

    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {}

    @Override
    public void addSplitsBack(List<MqttSplit> splits, int subtaskId) {
        // The reader gets its split again when it registers after its restart.
    }

    @Override
    public void addReader(int subtaskId) {
        context.assignSplit(new MqttSplit(subtaskId), subtaskId);
    }

    @Override
    public Void snapshotState(long checkpointId) {
        return null;
    }

    @Override
    public void close() {}
}
