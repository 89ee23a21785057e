package io.glassbox.plugin.api;

/**
 * Where the time of one {@link DiagnosticPlugin#analyse} call went, for the whole batch (every image of a
 * batch reports the same figures).
 *
 * @param preprocessMillis decoding-independent preparation: resampling, windowing, normalisation
 * @param inferenceMillis the forward pass giving the scores
 * @param explanationMillis all explanation methods together
 */
public record Timings(int batchSize, double preprocessMillis, double inferenceMillis, double explanationMillis) {
}
