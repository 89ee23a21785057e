package io.glassbox.server.audit;

/**
 * A coded value as audit messages carry it (PS3.15 A.5.1 CodedValueType): {@code csd-code}, {@code codeSystemName}
 * and {@code originalText} (the code meaning).
 */
public record Code(String code, String system, String meaning) {

    static Code dcm(String code, String meaning) {
        return new Code(code, "DCM", meaning);
    }

    static Code rfc3881(String code, String meaning) {
        return new Code(code, "RFC-3881", meaning);
    }
}
