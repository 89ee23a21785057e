package io.glassbox.server.dicom.net.assoc;

/** An accepted presentation context of an established association: what its messages carry and how they are encoded. */
public record PresentationContext(int id, String abstractSyntax, String transferSyntax) {
}
