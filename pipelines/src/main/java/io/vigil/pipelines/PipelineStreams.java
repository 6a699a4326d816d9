package io.vigil.pipelines;

import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * What a translated pipeline sends out.
 *
 * @param results result messages for the upstream broker
 * @param plant dead letters, late readings and decoder commands (Sparkplug rebirth requests), which
 *     stay on the plant side
 * @param windows the model inputs, one per scored window: for inspection ({@code vigil eval},
 *     tests); nothing reads them in a running gateway
 */
public record PipelineStreams(
        DataStream<OutboundMessage> results,
        DataStream<OutboundMessage> plant,
        DataStream<ModelInput> windows) {}
