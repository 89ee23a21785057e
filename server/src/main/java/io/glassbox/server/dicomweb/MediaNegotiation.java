package io.glassbox.server.dicomweb;

import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Accept-header negotiation for WADO-RS (PS3.18 8.7): picks, among the representations the server can send
 * without transcoding, the first one the client accepts.
 *
 * <p>A representation ({@link Offer}) is a media type and a transfer syntax. For a multipart answer the client
 * names the part type in the {@code type} parameter and may add {@code transfer-syntax}: absent means that
 * media type's default transfer syntax (PS3.18 Table 8.7.3-5: Explicit VR Little Endian for
 * application/octet-stream, baseline JPEG for image/jpeg, …), {@code *} means any. One deliberate exception:
 * for {@code application/dicom} an absent transfer-syntax accepts the object as stored, because a Part 10 file
 * names its own transfer syntax and so cannot be misread (PS3.18 would have it mean Explicit VR Little Endian,
 * which would force transcoding every compressed object).
 */
final class MediaNegotiation {

    static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";

    /** One representation the server can send: parts of {@code mediaType} in {@code transferSyntax}. */
    record Offer(String mediaType, String transferSyntax) {
    }

    private static final Map<String, String> DEFAULT_TRANSFER_SYNTAX = Map.of(
            "application/octet-stream", EXPLICIT_VR_LITTLE_ENDIAN,
            "image/jpeg", "1.2.840.10008.1.2.4.50",
            "image/jls", "1.2.840.10008.1.2.4.80",
            "image/jp2", "1.2.840.10008.1.2.4.90",
            "image/jpx", "1.2.840.10008.1.2.4.92",
            "image/jphc", "1.2.840.10008.1.2.4.201",
            "image/x-dicom-rle", "1.2.840.10008.1.2.5");

    private static final Pattern JPEG_FAMILY = Pattern.compile("1\\.2\\.840\\.10008\\.1\\.2\\.4\\.([0-9]{1,4})(\\.[0-9]+)*");

    private MediaNegotiation() {
    }

    /**
     * The first offer (in the client's order of preference) that an accepted multipart media range admits;
     * a full wildcard (any type) and a missing Accept header admit the first offer.
     */
    static Optional<Offer> multipart(List<MediaType> accepted, List<Offer> offers) {
        for (MediaType range : accepted) {
            if (quality(range) <= 0) {
                continue;
            }
            if (range.isWildcardType()) {
                return Optional.of(offers.get(0));
            }
            if (!range.isCompatible(MediaType.valueOf("multipart/related"))) {
                continue;
            }
            String type = unquote(range.getParameters().get("type"));
            String transferSyntax = unquote(range.getParameters().get("transfer-syntax"));
            for (Offer offer : offers) {
                if (type != null && !MediaType.valueOf(type).isCompatible(MediaType.valueOf(offer.mediaType()))) {
                    continue;
                }
                if (transferSyntaxAdmits(transferSyntax, offer)) {
                    return Optional.of(offer);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the client's most preferred acceptable range is exactly {@code mediaType} (no wildcard, not
     * multipart): it then gets that single part rather than the multipart answer PS3.18 defaults to.
     */
    static boolean prefersSinglePart(List<MediaType> accepted, String mediaType) {
        for (MediaType range : accepted) {
            if (quality(range) > 0) {
                return !range.isWildcardType() && !range.isWildcardSubtype()
                        && MediaType.valueOf(mediaType).isCompatible(range);
            }
        }
        return false;
    }

    /** The first of {@code mediaTypes} (single-part, e.g. rendered images) the client accepts. */
    static Optional<String> singlePart(List<MediaType> accepted, List<String> mediaTypes) {
        for (MediaType range : accepted) {
            if (quality(range) <= 0) {
                continue;
            }
            for (String candidate : mediaTypes) {
                if (range.isCompatible(MediaType.valueOf(candidate))) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean transferSyntaxAdmits(String requested, Offer offer) {
        if (requested == null) {
            return offer.mediaType().equals("application/dicom")
                    || offer.transferSyntax().equals(DEFAULT_TRANSFER_SYNTAX.get(offer.mediaType()));
        }
        return requested.equals("*") || requested.equals(offer.transferSyntax());
    }

    /** The part media type PS3.18 Table 8.7.3-5 gives a compressed transfer syntax's frames. */
    static String compressedMediaType(String transferSyntax) {
        if (transferSyntax.equals("1.2.840.10008.1.2.5")) {
            return "image/x-dicom-rle";
        }
        Matcher m = JPEG_FAMILY.matcher(transferSyntax);
        if (!m.matches()) {
            return "application/octet-stream";
        }
        int process = Integer.parseInt(m.group(1));
        if (process >= 50 && process <= 70) {
            return "image/jpeg";
        }
        return switch (process) {
            case 80, 81 -> "image/jls";
            case 90, 91 -> "image/jp2";
            case 92, 93 -> "image/jpx";
            case 100, 101 -> "video/mpeg";
            case 102, 103, 104, 105, 106 -> "video/mp4";
            case 107, 108 -> "video/H265";
            case 201, 202, 203 -> "image/jphc";
            default -> "application/octet-stream";
        };
    }

    private static double quality(MediaType range) {
        String q = range.getParameters().get("q");
        if (q == null) {
            return 1;
        }
        try {
            return Double.parseDouble(q);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static String unquote(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }
}
