/**
 * AI results as standard DICOM: {@link io.glassbox.server.results.ResultWriter} turns an
 * {@link io.glassbox.server.results.AnalysisResult} into a Secondary Capture (heatmap burned over the image), a
 * Parametric Map (the raw heatmap) and a TID 1500 Structured Report (the finding), and
 * {@link io.glassbox.server.results.ResultStorer} stores them through the ingest service like any received object.
 */
package io.glassbox.server.results;
