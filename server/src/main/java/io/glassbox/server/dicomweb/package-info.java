/**
 * DICOMweb (PS3.18) under {@code /dicomweb}: STOW-RS, QIDO-RS and WADO-RS.
 *
 * <p>Conformance choices of the read side, where PS3.18 leaves room or Glassbox deliberately narrows it:
 * <ul>
 * <li>QIDO-RS answers a search with no match with 200 and an empty array (PS3.18 allows 204 too; an array is
 * what every client parses). Results are ordered: studies newest first, series and instances by number, so
 * {@code limit}/{@code offset} pages are stable. {@code fuzzymatching=true} gets the literal result and the
 * {@code Warning: 299} header PS3.18 prescribes. Matching keys inside sequences, and time zone offsets in DT
 * values, are refused with 400. A key of a lower level (e.g. {@code Modality} on a study search) matches the
 * entities that have such a child. Attributes the index has no column for are matched in, and returned from,
 * the stored DICOM JSON; above the instance level they are read from the study's or series' first instance.</li>
 * <li>WADO-RS never transcodes. {@code application/dicom} parts are the stored files byte for byte; an Accept
 * without transfer-syntax accepts them as stored (PS3.18 would read it as Explicit VR Little Endian), a named
 * transfer syntax other than the stored one is 406. Frames and bulk data follow PS3.18's default transfer
 * syntaxes strictly (octet-stream without transfer-syntax means uncompressed, so compressed frames need
 * {@code transfer-syntax=*} or the stored UID), because a client that asked for raw pixels must not get a
 * codestream. Frames are served for Float and Double Float Pixel Data (Parametric Maps, such as the AI heatmaps) as
 * for Pixel Data: 32- or 64-bit IEEE floats, little endian, row by row. One uncompressed frame asked for with
 * {@code Accept: application/octet-stream} (that range preferred, no wildcard) is answered single part, its bytes
 * alone; otherwise frames come multipart.</li>
 * <li>Metadata comes from the index's stored DICOM JSON alone, never from the files; each BulkDataURI is made
 * absolute against the instance's URL. The Pixel Data bulk data is the whole value in one part when
 * uncompressed and one part per frame as stored when encapsulated.</li>
 * <li>Rendered: image/png unless the client prefers image/jpeg; an instance renders its first frame; the
 * {@code window} parameter takes {@code linear} or {@code sigmoid}. Pixel data PixelMed cannot decode here
 * (JPEG-LS) is answered 501 with a problem that says so.</li>
 * </ul>
 */
package io.glassbox.server.dicomweb;
