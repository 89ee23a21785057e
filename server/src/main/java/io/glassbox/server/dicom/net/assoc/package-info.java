/**
 * DICOM associations (PS3.8) and the DIMSE messages they carry (PS3.7 6, E.1), on top of the PDU codec in
 * {@code io.glassbox.server.dicom.net.pdu}.
 *
 * <ul>
 *   <li>{@link io.glassbox.server.dicom.net.assoc.Association}: an established association, role-agnostic: reads DIMSE
 *       messages ({@link io.glassbox.server.dicom.net.assoc.DimseMessage}: a {@link io.glassbox.server.dicom.net.assoc.Command}
 *       and a data set that streams as its fragments arrive, {@link io.glassbox.server.dicom.net.assoc.DataSetInputStream}),
 *       sends messages fragmented to the peer's maximum PDU length, releases and aborts. The message types live here,
 *       not with the services, because the association itself parses and frames them;</li>
 *   <li>{@link io.glassbox.server.dicom.net.assoc.AssociationAcceptor}: the listening side: one configured address, a
 *       bounded worker pool, admission ({@link io.glassbox.server.dicom.net.assoc.ConnectionAdmission}), negotiation
 *       ({@link io.glassbox.server.dicom.net.assoc.AssociationNegotiator}), rejection over the limit; it hands each
 *       message to a {@link io.glassbox.server.dicom.net.assoc.DimseDispatcher}, so that this package does not depend on
 *       the services above it;</li>
 *   <li>{@link io.glassbox.server.dicom.net.assoc.AssociationRequestor}: the requesting side (forwarding, tests).</li>
 * </ul>
 */
package io.glassbox.server.dicom.net.assoc;
