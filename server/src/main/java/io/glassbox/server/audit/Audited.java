package io.glassbox.server.audit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an HTTP resource method whose every call is one audit message, of the kind {@link #value} names.
 * {@link HttpAudit} writes it once the answer is known, with the caller, the route's study/series/instance and the
 * outcome; a resource that knows more objects than its path names adds them to {@link AuditedRequest}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Audited {

    As value();

    enum As {
        /** QIDO-RS search: Query (110112), the query as sent. */
        QUERY,
        /** WADO-RS retrieval: DICOM Instances Transferred (110104, Read) from Glassbox to the caller. */
        RETRIEVE,
        /** A study's AI results read for review: DICOM Instances Accessed (110103). */
        REVIEW,
        /** STOW-RS: DICOM Instances Transferred (110104, Create) from the caller to Glassbox. */
        STORE,
        /** A configuration change (routing rules, forwarding): Security Alert (110113), Software Configuration. */
        CONFIGURATION
    }
}
