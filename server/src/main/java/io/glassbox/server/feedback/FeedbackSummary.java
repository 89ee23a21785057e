package io.glassbox.server.feedback;

/**
 * The latest verdicts on one model's findings, counted. {@code agreementRate} is agree / (agree + disagree):
 * "uncertain" says neither, so it moves neither side; null while there is no agree or disagree.
 */
public record FeedbackSummary(String pluginId, String pluginVersion, long agree, long disagree, long uncertain,
                              Double agreementRate) {
}
