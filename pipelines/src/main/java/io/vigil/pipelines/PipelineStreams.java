package io.vigil.pipelines;

import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * What a translated pipeline sends out.
 *
 * @param results result events for the upstream broker
 * @param plant dead letters and late readings, which stay on the plant side
 */
public record PipelineStreams(
        DataStream<OutboundMessage> results, DataStream<OutboundMessage> plant) {}
