package io.glassbox.server.dicomweb;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.DicomException;
import io.glassbox.server.config.GlassboxConfig;
import io.glassbox.server.dicomweb.MediaNegotiation.Offer;
import io.glassbox.server.dicomweb.PixelDataFrames.Frame;
import io.glassbox.server.dicomweb.PixelDataFrames.UnreadableFramesException;
import io.glassbox.server.index.InstanceLocation;
import io.glassbox.server.index.StoredInstances;
import io.glassbox.server.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.jboss.logging.Logger;

/**
 * WADO-RS (PS3.18 10.4): instances as stored Part 10 files, byte for byte; metadata from the index's stored DICOM
 * JSON alone; bulk data; frames cut from the stored pixel data without decoding; rendered images.
 *
 * <p>Everything that can fail for a reason the client should hear (unknown UID, unacceptable media type, frame
 * out of range, file missing from the store) is checked before the first byte of a streamed answer is sent, so
 * it can still be answered with a problem.
 */
@ApplicationScoped
public class WadoService {

    private static final Logger LOG = Logger.getLogger(WadoService.class);
    private static final String DICOM = "application/dicom";
    private static final String OCTET_STREAM = "application/octet-stream";

    private final StoredInstances instances;
    private final GlassboxConfig config;
    private final JsonFactory json;

    public WadoService(StoredInstances instances, GlassboxConfig config, ObjectMapper mapper) {
        this.instances = instances;
        this.config = config;
        this.json = mapper.getFactory();
    }

    /** Retrieve Study / Series / Instance: {@code multipart/related; type="application/dicom"}. */
    public Response retrieve(String studyUid, String seriesUid, String sopInstanceUid, List<MediaType> accepted,
            DicomWebUrls urls) {
        List<InstanceLocation> found = find(studyUid, seriesUid, sopInstanceUid);
        for (InstanceLocation instance : found) {
            Offer asStored = new Offer(DICOM, instance.transferSyntaxUid());
            if (MediaNegotiation.multipart(accepted, List.of(asStored)).isEmpty()) {
                throw ProblemException.notAcceptable("Instance " + instance.sopInstanceUid() + " is stored in transfer"
                        + " syntax " + instance.transferSyntaxUid() + " and is sent only as stored (no transcoding):"
                        + " accept multipart/related; type=\"application/dicom\" with transfer-syntax=* or "
                        + instance.transferSyntaxUid());
            }
        }
        List<Path> files = found.stream().map(this::file).toList();
        String boundary = MultipartRelated.newBoundary();
        StreamingOutput body = out -> {
            MultipartRelated multipart = new MultipartRelated(out, boundary);
            for (int k = 0; k < found.size(); k++) {
                InstanceLocation instance = found.get(k);
                multipart.startPart(DICOM + "; transfer-syntax=" + instance.transferSyntaxUid(),
                        urls.instance(instance.studyUid(), instance.seriesUid(), instance.sopInstanceUid()));
                Files.copy(files.get(k), multipart.body());
            }
            multipart.finish();
        };
        return Response.ok(body).header("Content-Type", MultipartRelated.contentType(DICOM, boundary, null)).build();
    }

    /**
     * Retrieve Metadata: the stored DICOM JSON of each instance, from the index alone, with every BulkDataURI
     * (stored relative to the instance) made absolute.
     */
    public StreamingOutput metadata(String studyUid, String seriesUid, String sopInstanceUid, DicomWebUrls urls) {
        List<StoredInstances.Metadata> found = instances.metadata(studyUid, seriesUid, sopInstanceUid);
        if (found.isEmpty()) {
            throw notFound(studyUid, seriesUid, sopInstanceUid);
        }
        return out -> {
            try (JsonGenerator generator = json.createGenerator(out)) {
                generator.writeStartArray();
                for (StoredInstances.Metadata m : found) {
                    String instanceUrl = urls.instance(m.studyUid(), m.seriesUid(), m.sopInstanceUid()) + "/";
                    copyWithAbsoluteBulkDataUris(m.json(), instanceUrl, generator);
                }
                generator.writeEndArray();
            }
        };
    }

    /** Streams one stored data set, resolving each relative BulkDataURI against the instance's URL. */
    private void copyWithAbsoluteBulkDataUris(String stored, String instanceUrl, JsonGenerator out) throws IOException {
        try (JsonParser parser = json.createParser(stored)) {
            boolean bulkDataUriValue = false;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (bulkDataUriValue && token == JsonToken.VALUE_STRING && isRelative(parser.getText())) {
                    out.writeString(instanceUrl + parser.getText());
                } else {
                    out.copyCurrentEvent(parser);
                }
                bulkDataUriValue = token == JsonToken.FIELD_NAME && parser.currentName().equals("BulkDataURI");
            }
        }
    }

    private static boolean isRelative(String uri) {
        return !uri.contains(":") && !uri.startsWith("/");
    }

    /** Retrieve Bulk Data at a BulkDataURI's tag path. */
    public Response bulkData(String studyUid, String seriesUid, String sopInstanceUid, String path,
            List<MediaType> accepted, DicomWebUrls urls) {
        InstanceLocation instance = one(studyUid, seriesUid, sopInstanceUid);
        BulkDataPath bulkDataPath = BulkDataPath.parse(path).orElseThrow(() -> ProblemException.notFound(
                "'" + path + "' is not a bulk data path of this server (tags and item indexes joined by '/')"));
        String instanceUrl = urls.instance(studyUid, seriesUid, sopInstanceUid);
        String location = instanceUrl + "/bulkdata/" + path;
        if (bulkDataPath.isPixelData() && instance.pixelDataOffset() != null) {
            int[] all = IntStream.rangeClosed(1, instance.frameCount()).toArray();
            // Uncompressed: the whole value in one part; encapsulated: one part per frame (located as that frame).
            return pixelData(instance, all, PixelDataFrames.encapsulated(instance) ? null : location, accepted,
                    instanceUrl);
        }
        Offer octets = new Offer(OCTET_STREAM, MediaNegotiation.EXPLICIT_VR_LITTLE_ENDIAN);
        if (MediaNegotiation.multipart(accepted, List.of(octets)).isEmpty()) {
            throw ProblemException.notAcceptable("Bulk data is sent as multipart/related;"
                    + " type=\"application/octet-stream\"");
        }
        Path file = file(instance);
        byte[] value;
        try {
            value = bulkDataPath.read(file).orElseThrow(() -> ProblemException.notFound(
                    "Instance " + sopInstanceUid + " has no bulk data at " + path));
        } catch (IOException | DicomException e) {
            throw new ProblemException(500, "Internal Server Error",
                    "The stored object " + sopInstanceUid + " could not be read: " + e.getMessage());
        }
        String boundary = MultipartRelated.newBoundary();
        StreamingOutput body = out -> {
            MultipartRelated multipart = new MultipartRelated(out, boundary);
            multipart.startPart(OCTET_STREAM, location);
            multipart.body().write(value);
            multipart.finish();
        };
        return Response.ok(body).header("Content-Type", MultipartRelated.contentType(OCTET_STREAM, boundary, null))
                .build();
    }

    /** Retrieve Frames: {@code frameList} as in the URL, e.g. "1,3". */
    public Response frames(String studyUid, String seriesUid, String sopInstanceUid, String frameList,
            List<MediaType> accepted, DicomWebUrls urls) {
        InstanceLocation instance = one(studyUid, seriesUid, sopInstanceUid);
        int[] numbers = frameNumbers(frameList, instance);
        if (numbers.length == 1 && !PixelDataFrames.encapsulated(instance)
                && MediaNegotiation.prefersSinglePart(accepted, OCTET_STREAM)) {
            // One uncompressed frame asked for as application/octet-stream itself: its bytes alone, single part
            // (how a viewer fetches one raw frame, e.g. one frame of an AI heatmap, without a multipart parser).
            requirePixelData(instance);
            Path path = file(instance);
            List<Frame> frame = frames(instance, path, numbers);
            StreamingOutput body = out -> {
                try (FileChannel channel = PixelDataFrames.open(path)) {
                    frame.get(0).writeTo(channel, out);
                }
            };
            return Response.ok(body).header("Content-Type", OCTET_STREAM).build();
        }
        return pixelData(instance, numbers, null, accepted, urls.instance(studyUid, seriesUid, sopInstanceUid));
    }

    /**
     * Sends frames as one part each, located at their frame URL, or all of them in one part located at
     * {@code onePartLocation} when that is not null (the uncompressed Pixel Data bulk data).
     */
    private Response pixelData(InstanceLocation instance, int[] numbers, String onePartLocation,
            List<MediaType> accepted, String instanceUrl) {
        requirePixelData(instance);
        String ts = instance.transferSyntaxUid();
        List<Offer> offers = PixelDataFrames.encapsulated(instance)
                ? List.of(new Offer(MediaNegotiation.compressedMediaType(ts), ts), new Offer(OCTET_STREAM, ts))
                : List.of(new Offer(OCTET_STREAM, MediaNegotiation.EXPLICIT_VR_LITTLE_ENDIAN));
        Offer chosen = MediaNegotiation.multipart(accepted, offers).orElseThrow(() -> ProblemException.notAcceptable(
                "The pixel data of " + instance.sopInstanceUid() + " is sent only as stored (no transcoding): accept "
                        + "multipart/related; type=\"" + offers.get(0).mediaType() + "\"; transfer-syntax="
                        + offers.get(0).transferSyntax()
                        + (offers.size() > 1 ? " (or type=\"application/octet-stream\"; transfer-syntax=*)" : "")));
        Path path = file(instance);
        List<Frame> frames = frames(instance, path, numbers);
        String partType = chosen.mediaType() + "; transfer-syntax=" + chosen.transferSyntax();
        String boundary = MultipartRelated.newBoundary();
        StreamingOutput body = out -> {
            try (FileChannel channel = PixelDataFrames.open(path)) {
                MultipartRelated multipart = new MultipartRelated(out, boundary);
                if (onePartLocation != null) {
                    multipart.startPart(partType, onePartLocation);
                }
                for (int k = 0; k < frames.size(); k++) {
                    if (onePartLocation == null) {
                        multipart.startPart(partType, instanceUrl + "/frames/" + numbers[k]);
                    }
                    frames.get(k).writeTo(channel, multipart.body());
                }
                multipart.finish();
            }
        };
        return Response.ok(body)
                .header("Content-Type", MultipartRelated.contentType(chosen.mediaType(), boundary,
                        chosen.transferSyntax()))
                .build();
    }

    private static List<Frame> frames(InstanceLocation instance, Path path, int[] numbers) {
        try (FileChannel channel = PixelDataFrames.open(path)) {
            return PixelDataFrames.select(instance, channel, path, numbers);
        } catch (UnreadableFramesException e) {
            throw new ProblemException(500, "Internal Server Error",
                    "The frames of " + instance.sopInstanceUid() + " cannot be located: " + e.getMessage());
        } catch (IOException e) {
            throw new ProblemException(500, "Internal Server Error",
                    "The stored pixel data of " + instance.sopInstanceUid() + " could not be read: " + e.getMessage());
        }
    }

    /**
     * Retrieve Rendered Instance / Frame: PNG unless the client prefers JPEG.
     *
     * @param frameList null for the instance (its first frame), else exactly one frame number
     * @param window    the {@code window} query parameter ("center,width[,linear|sigmoid]"), or null
     * @param quality   the {@code quality} query parameter (1–100, for JPEG), or null
     */
    public Response rendered(String studyUid, String seriesUid, String sopInstanceUid, String frameList,
            String window, String quality, List<MediaType> accepted) {
        InstanceLocation instance = one(studyUid, seriesUid, sopInstanceUid);
        requirePixelData(instance);
        int frame = 1;
        if (frameList != null) {
            int[] numbers = frameNumbers(frameList, instance);
            if (numbers.length != 1) {
                throw ProblemException.badRequest("A rendered frame is one image: ask for one frame number");
            }
            frame = numbers[0];
        }
        String mediaType = MediaNegotiation.singlePart(accepted, List.of("image/png", "image/jpeg")).orElseThrow(
                () -> ProblemException.notAcceptable("Rendered images are sent as image/png or image/jpeg"));
        ImageRenderer.Window requestedWindow = window(window);
        Integer jpegQuality = quality(quality);
        Path path = file(instance);
        try {
            BufferedImage image = ImageRenderer.render(path, frame - 1, requestedWindow);
            return Response.ok(ImageRenderer.encode(image, mediaType, jpegQuality)).header("Content-Type", mediaType)
                    .build();
        } catch (ImageRenderer.NotRenderableException e) {
            LOG.debugf(e, "rendering %s failed", sopInstanceUid);
            // 501: the request is sound, this server lacks what decoding it needs (e.g. a JPEG-LS codec).
            throw new ProblemException(501, "Not Implemented", "Instance " + sopInstanceUid + " (transfer syntax "
                    + instance.transferSyntaxUid() + ") cannot be rendered: its pixel data is not decodable here ("
                    + e.getMessage() + "). Retrieve the instance or its frames to get the pixel data as stored.");
        } catch (IOException e) {
            throw new UncheckedIOException("rendering " + sopInstanceUid, e);
        }
    }

    private static ImageRenderer.Window window(String parameter) {
        if (parameter == null) {
            return null;
        }
        String[] parts = parameter.split(",");
        try {
            if (parts.length == 2 || parts.length == 3) {
                double center = Double.parseDouble(parts[0].trim());
                double width = Double.parseDouble(parts[1].trim());
                String function = parts.length == 3 ? parts[2].trim().toLowerCase(Locale.ROOT) : "linear";
                if (width > 0 && (function.equals("linear") || function.equals("sigmoid"))) {
                    return new ImageRenderer.Window(center, width, function.equals("sigmoid"));
                }
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.badRequest("window takes center,width[,function] with a positive width and function"
                + " linear or sigmoid, not '" + parameter + "'");
    }

    private static Integer quality(String parameter) {
        if (parameter == null) {
            return null;
        }
        try {
            int q = Integer.parseInt(parameter.trim());
            if (q >= 1 && q <= 100) {
                return q;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.badRequest("quality takes an integer from 1 to 100, not '" + parameter + "'");
    }

    /** The index records a Pixel Data length for every object that has Pixel Data (deflated ones included). */
    private static void requirePixelData(InstanceLocation instance) {
        if (instance.pixelDataLength() == null) {
            throw ProblemException.notFound("Instance " + instance.sopInstanceUid() + " has no pixel data");
        }
    }

    /** Parses "1,3,5" and checks each against the object's frame count (404 when out of range, PS3.18 10.4.1). */
    private static int[] frameNumbers(String frameList, InstanceLocation instance) {
        List<Integer> numbers = new ArrayList<>();
        for (String part : frameList.split(",")) {
            int n;
            try {
                n = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                throw ProblemException.badRequest("'" + frameList + "' is not a list of frame numbers (e.g. 1,3)");
            }
            if (n < 1 || n > instance.frameCount()) {
                throw ProblemException.notFound("Frame " + n + " is out of range: instance "
                        + instance.sopInstanceUid() + " has " + instance.frameCount() + " frame(s)");
            }
            numbers.add(n);
        }
        return numbers.stream().mapToInt(Integer::intValue).toArray();
    }

    private List<InstanceLocation> find(String studyUid, String seriesUid, String sopInstanceUid) {
        List<InstanceLocation> found = instances.find(studyUid, seriesUid, sopInstanceUid);
        if (found.isEmpty()) {
            throw notFound(studyUid, seriesUid, sopInstanceUid);
        }
        return found;
    }

    private InstanceLocation one(String studyUid, String seriesUid, String sopInstanceUid) {
        return find(studyUid, seriesUid, sopInstanceUid).get(0);
    }

    private static ProblemException notFound(String studyUid, String seriesUid, String sopInstanceUid) {
        String what = sopInstanceUid != null ? "Instance " + sopInstanceUid + " of series " + seriesUid + " of study "
                + studyUid : seriesUid != null ? "Series " + seriesUid + " of study " + studyUid : "Study " + studyUid;
        return ProblemException.notFound(what + " is not stored here");
    }

    /** The stored file of an instance, which must exist: a missing one is a lost object, reported as such. */
    private Path file(InstanceLocation instance) {
        Path path = config.dataDir().resolve(instance.storagePath());
        if (!Files.isRegularFile(path)) {
            LOG.errorf("Stored file of instance %s is missing: %s", instance.sopInstanceUid(), path);
            throw new ProblemException(500, "Internal Server Error", "The stored file of instance "
                    + instance.sopInstanceUid() + " is missing from the store");
        }
        return path;
    }
}
