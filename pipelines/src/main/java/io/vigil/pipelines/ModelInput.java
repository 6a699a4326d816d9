package io.vigil.pipelines;

/**
 * One window as the model receives it, before normalization: {@code rows × columns} floats,
 * time-major, columns in the model card's channel order.
 *
 * @param asset the asset id
 * @param start window start, inclusive, epoch ms
 * @param end window end, exclusive, epoch ms
 * @param data the tensor
 * @param coveredRows rows in which every channel had a reading of its own
 * @param closedAtMicros when the window closed (event time passed its end), wall clock in epoch
 *     microseconds ({@link PipelineMetrics#epochMicros}); the result latency is measured from here
 */
public record ModelInput(
        String asset, long start, long end, float[] data, int coveredRows, long closedAtMicros) {}
