package io.glassbox.server.web;

/** Thrown by resources to answer with a problem body; {@link ProblemMappers} turns it into the response. */
public class ProblemException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String title;

    public ProblemException(int status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "Bad Request", detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not Found", detail);
    }

    public static ProblemException notAcceptable(String detail) {
        return new ProblemException(406, "Not Acceptable", detail);
    }

    public static ProblemException unsupportedMediaType(String detail) {
        return new ProblemException(415, "Unsupported Media Type", detail);
    }

    public Problem problem() {
        return Problem.of(status, title, getMessage());
    }
}
