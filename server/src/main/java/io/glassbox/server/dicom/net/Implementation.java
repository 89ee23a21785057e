package io.glassbox.server.dicom.net;

/** How Glassbox identifies itself in association negotiation (PS3.7 D.3.3.2). */
public final class Implementation {

    /** A UUID-derived UID (PS3.5 B.2), fixed for this implementation. */
    public static final String CLASS_UID = "2.25.43966678256134592755790345004490903334";

    /** At most 16 characters. */
    public static final String VERSION_NAME = "GLASSBOX_0.1";

    private Implementation() {
    }
}
