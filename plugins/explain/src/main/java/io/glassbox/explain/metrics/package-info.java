/**
 * Faithfulness metrics for explanation maps, each a plain function with its own test: localisation against a
 * ground-truth mask ({@link io.glassbox.explain.metrics.PointingGame}), the deletion and insertion games
 * ({@link io.glassbox.explain.metrics.DeletionInsertion}), and the cascading model-parameter randomisation
 * sanity check ({@link io.glassbox.explain.metrics.CascadingRandomisation} with
 * {@link io.glassbox.explain.metrics.RankCorrelation}).
 */
package io.glassbox.explain.metrics;
