package io.glassbox.server.dicom.net.assoc;

/**
 * One DIMSE message as read from an association.
 *
 * @param context the accepted presentation context it arrived on
 * @param command its command set
 * @param dataSet its data set, streaming from the association as its fragments arrive; null when the command
 *                says none follows
 */
public record DimseMessage(PresentationContext context, Command command, DataSetInputStream dataSet) {
}
