package io.vigil.pipelines.internal;

/**
 * One decoded reading of one asset: event time and the channel values in the model's input order.
 */
public record Reading(String asset, long timestamp, float[] values) {}
