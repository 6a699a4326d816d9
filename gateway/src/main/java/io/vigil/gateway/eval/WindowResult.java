package io.vigil.gateway.eval;

/**
 * What the pipeline decided for one window, read back from its score message.
 *
 * @param asset the asset
 * @param end window end, exclusive, epoch ms (event time)
 * @param score the window's score (RUL models: the predicted remaining life)
 * @param alarm whether the asset's alarm was raised after this window
 */
public record WindowResult(String asset, long end, double score, boolean alarm) {}
