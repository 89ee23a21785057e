package io.glassbox.server.dicomweb;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.TagFromName;
import io.glassbox.server.testing.CorpusLoader;
import io.glassbox.server.testing.CorpusLoader.Loaded;
import io.glassbox.server.testing.IndexFixture;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * QIDO-RS (PS3.18 10.6, matching per PS3.4 C.2.2.2) against real files ingested into a real PostgreSQL. Every
 * expectation is computed from the files' own headers (read by PixelMed), never written into the test. Run on
 * the machine's PostgreSQL by {@link QidoRsTest} and on the embedded one by {@link QidoRsOnEmbeddedPostgresTest}
 * (abstract, because a Quarkus test class is a bean and a concrete superclass would make it ambiguous).
 */
public abstract class QidoRsCases {

    /** Five patients, eight studies, CT/MR/NM/OT/RTDOSE/SEG/ECG/SR/CR, dates from 1995 to 2017. */
    static final String[] CORPUS = {
            "CT_small.dcm", "MR_small.dcm", "JPEG2000.dcm", "SC_rgb_rle_2frame.dcm", "SC_rgb_small_odd.dcm",
            "rtdose.dcm", "liver_1frame.dcm", "waveform_ecg.dcm", "test-SR.dcm",
            "dicomdirtests/77654033/CR1/6154", "dicomdirtests/77654033/CT2/17106",
            "dicomdirtests/98892001/CT5N/2062", "dicomdirtests/98892003/MR1/15820"};

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    IndexFixture index;

    @Inject
    CorpusLoader corpus;

    List<Loaded> files;

    /** Leaves the shared test database empty for the test classes that run after this one in the same JVM. */
    @AfterEach
    void leaveNothingBehind() throws Exception {
        index.clear();
    }

    @BeforeEach
    void load() throws Exception {
        index.clear();
        files = corpus.load(CORPUS);
    }

    // ---- helpers ----

    static JsonNode search(String pathAndQuery) {
        // sent as written: the queries below are already percent-encoded where they need to be
        Response r = given().urlEncodingEnabled(false).accept("application/dicom+json").get("/dicomweb/" + pathAndQuery);
        assertEquals(200, r.statusCode(), () -> pathAndQuery + " -> " + r.asString());
        assertTrue(r.contentType().startsWith("application/dicom+json"), r.contentType());
        try {
            JsonNode answer = JSON.readTree(r.asByteArray());
            assertTrue(answer.isArray(), answer::toString);
            return answer;
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static String value(JsonNode dataset, String tag) {
        JsonNode v = dataset.path(tag).path("Value");
        if (v.isMissingNode() || v.isEmpty()) {
            return "";
        }
        JsonNode first = v.get(0);
        return first.isObject() ? first.path("Alphabetic").asText() : first.asText();
    }

    static Set<String> values(JsonNode answer, String tag) {
        Set<String> out = new TreeSet<>();
        answer.forEach(d -> out.add(value(d, tag)));
        return out;
    }

    /** The Study Instance UIDs of the files for which {@code predicate} holds. */
    Set<String> studiesWhere(Predicate<Loaded> predicate) {
        return files.stream().filter(predicate).map(Loaded::studyUid).collect(Collectors.toCollection(TreeSet::new));
    }

    Set<String> studyUids(String query) {
        return values(search("studies" + query), "0020000D");
    }

    static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String text(Loaded f, AttributeTag tag) {
        return f.text(tag);
    }

    // ---- study level ----

    @Test
    void allStudiesWithDefaultAttributesCountsAndModalities() {
        JsonNode answer = search("studies");
        assertEquals(studiesWhere(f -> true), values(answer, "0020000D"));
        assertEquals(studiesWhere(f -> true).size(), answer.size(), "one result per study");
        for (JsonNode study : answer) {
            String uid = value(study, "0020000D");
            List<Loaded> inStudy = files.stream().filter(f -> f.studyUid().equals(uid)).toList();
            Loaded first = inStudy.get(0);
            assertEquals(inStudy.size(), study.path("00201208").path("Value").get(0).asInt(), uid);
            assertTrue(study.path("00201208").path("Value").get(0).isNumber(), "IS is a JSON number");
            assertEquals(inStudy.stream().map(Loaded::seriesUid).distinct().count(),
                    study.path("00201206").path("Value").get(0).asLong(), uid);
            Set<String> modalities = new TreeSet<>();
            study.path("00080061").path("Value").forEach(m -> modalities.add(m.asText()));
            assertEquals(inStudy.stream().map(f -> text(f, TagFromName.Modality)).filter(m -> !m.isEmpty())
                    .collect(Collectors.toCollection(TreeSet::new)), modalities, uid);
            assertEquals("PN", study.path("00100010").path("vr").asText());
            String name = text(first, TagFromName.PatientName);
            if (!name.isEmpty()) {
                assertEquals(name.split("=")[0], study.path("00100010").path("Value").get(0).path("Alphabetic").asText());
            }
            assertEquals(text(first, TagFromName.PatientID), value(study, "00100020"));
            assertEquals(text(first, TagFromName.StudyDate), value(study, "00080020"));
            assertEquals(text(first, TagFromName.AccessionNumber), value(study, "00080050"));
            assertEquals("ONLINE", value(study, "00080056"));
            assertTrue(value(study, "00081190").endsWith("/dicomweb/studies/" + uid), value(study, "00081190"));
            for (String tag : List.of("00080020", "00080030", "00080050", "00080090", "00100030", "00100040",
                    "00200010")) {
                assertTrue(study.has(tag), tag + " is a default study attribute");
            }
            List<String> keys = new ArrayList<>();
            study.fieldNames().forEachRemaining(keys::add);
            assertEquals(keys.stream().sorted().toList(), keys, "attributes in tag order");
        }
    }

    @Test
    void singleValueMatchingIsExact() {
        Loaded ct = files.get(0);
        String patientId = text(ct, TagFromName.PatientID);
        assertEquals(studiesWhere(f -> text(f, TagFromName.PatientID).equals(patientId)),
                studyUids("?PatientID=" + patientId));
        // a prefix is not a match without a wildcard
        assertEquals(Set.of(), studyUids("?PatientID=" + patientId.substring(0, patientId.length() - 1)));
        // by tag as well as by keyword
        assertEquals(studyUids("?PatientID=" + patientId), studyUids("?00100020=" + patientId));
    }

    @Test
    void personNamesMatchWithWildcardsAndIgnoringCase() {
        Predicate<Loaded> doe = f -> text(f, TagFromName.PatientName).toUpperCase(Locale.ROOT).startsWith("DOE^");
        Set<String> expected = studiesWhere(doe);
        assertTrue(expected.size() >= 2, "the corpus has Doe studies");
        assertEquals(expected, studyUids("?PatientName=doe%5E*"));
        assertEquals(expected, studyUids("?PatientName=DOE%5E*"));
        assertEquals(studiesWhere(f -> text(f, TagFromName.PatientName).equalsIgnoreCase("Doe^Peter")),
                studyUids("?PatientName=d?e%5Ep?ter"));
        assertEquals(studiesWhere(f -> text(f, TagFromName.PatientName).toUpperCase(Locale.ROOT).endsWith("PETER")),
                studyUids("?PatientName=*peter"));
        assertEquals(studiesWhere(f -> text(f, TagFromName.PatientName).equalsIgnoreCase("lestrade^g")),
                studyUids("?PatientName=LESTRADE%5Eg"));
    }

    @Test
    void wildcardOnTextMatchesAndLikeSpecialsAreLiteral() {
        String description = text(files.stream().filter(f -> f.name().endsWith("CT2/17106")).findFirst().orElseThrow(),
                TagFromName.StudyDescription);
        assertTrue(description.contains(","), description);
        String prefix = description.substring(0, description.indexOf(','));
        assertEquals(studiesWhere(f -> text(f, TagFromName.StudyDescription).startsWith(prefix + ",")),
                studyUids("?StudyDescription=" + encode(prefix) + ",*"));
        // '?' is one character; SQL LIKE's own '%' and '_' must match only themselves
        assertEquals(studiesWhere(f -> text(f, TagFromName.StudyDescription).startsWith(prefix + ",")),
                studyUids("?StudyDescription=" + encode(prefix) + "%3F*"));
        assertEquals(Set.of(), studyUids("?StudyDescription=" + prefix.charAt(0) + "%25"));
        assertEquals(Set.of(), studyUids("?StudyDescription=" + prefix.charAt(0) + "_*"));
        assertEquals(studiesWhere(f -> true), studyUids("?StudyDescription=*"), "'*' alone matches everything");
    }

    @Test
    void dateRanges() {
        assertEquals(studiesWhere(f -> between(text(f, TagFromName.StudyDate), "20010101", "20031231")),
                studyUids("?StudyDate=20010101-20031231"));
        assertEquals(studiesWhere(f -> between(text(f, TagFromName.StudyDate), "", "20011231")),
                studyUids("?StudyDate=-20011231"));
        assertEquals(studiesWhere(f -> between(text(f, TagFromName.StudyDate), "20040101", "99999999")),
                studyUids("?StudyDate=20040101-"));
        assertEquals(studiesWhere(f -> text(f, TagFromName.StudyDate).equals("20010101")),
                studyUids("?StudyDate=20010101"));
        assertFalse(studyUids("?StudyDate=20010101").isEmpty());
    }

    private static boolean between(String date, String from, String to) {
        return !date.isEmpty() && date.compareTo(from) >= 0 && date.compareTo(to) <= 0;
    }

    @Test
    void timeRangesCoverTheWholeOfTheirLastUnit() {
        // 10 to 17 inclusive: any time from 10:00:00 to 17:59:59.999999
        assertEquals(studiesWhere(f -> {
            String t = text(f, TagFromName.StudyTime).replace(":", "");
            return !t.isEmpty() && t.compareTo("10") >= 0 && t.substring(0, 2).compareTo("17") <= 0;
        }), studyUids("?StudyTime=10-17"));
        assertFalse(studyUids("?StudyTime=10-17").isEmpty());
    }

    @Test
    void dateTimeRangesOnAnAttributeOfTheStoredMetadata() {
        java.util.function.BiFunction<String, String, Set<String>> acquiredBetween = (from, to) -> files.stream()
                .filter(f -> {
                    String dt = text(f, TagFromName.AcquisitionDateTime);
                    return !dt.isEmpty() && (dt + "00000000000000").substring(0, 14).compareTo(from) >= 0
                            && dt.compareTo(to) <= 0;
                })
                .map(Loaded::sopInstanceUid).collect(Collectors.toCollection(TreeSet::new));
        Set<String> in2013 = acquiredBetween.apply("20130000000000", "2013z");
        assertFalse(in2013.isEmpty(), "the corpus has an acquisition in 2013");
        assertEquals(in2013, values(search("instances?AcquisitionDateTime=2013-2013"), "00080018"));
        assertEquals(in2013, values(search("instances?AcquisitionDateTime=2013"), "00080018"));
        assertEquals(acquiredBetween.apply("20130125105900", "20130125110000"),
                values(search("instances?AcquisitionDateTime=201301251059-20130125110000"), "00080018"));
        assertEquals(Set.of(), values(search("instances?AcquisitionDateTime=20130125110000-"), "00080018"));
    }

    @Test
    void onlyJsonIsOffered() {
        Response r = given().accept("multipart/related; type=\"application/dicom+xml\"").get("/dicomweb/studies");
        assertEquals(406, r.statusCode(), r::asString);
        assertEquals("application/problem+json", r.contentType());
        assertEquals(200, given().accept("application/json").get("/dicomweb/studies").statusCode());
    }

    @Test
    void uidListMatchingCommaSeparatedAndRepeated() {
        List<String> all = new ArrayList<>(studiesWhere(f -> true));
        String a = all.get(0);
        String b = all.get(all.size() - 1);
        assertEquals(new TreeSet<>(List.of(a, b)), studyUids("?StudyInstanceUID=" + a + "," + b));
        assertEquals(new TreeSet<>(List.of(a, b)), studyUids("?StudyInstanceUID=" + a + "&StudyInstanceUID=" + b));
        assertEquals(Set.of(a), studyUids("?StudyInstanceUID=" + a));
    }

    @Test
    void modalitiesInStudy() {
        assertEquals(studiesWhere(f -> text(f, TagFromName.Modality).equals("CT")), studyUids("?ModalitiesInStudy=CT"));
        assertEquals(studiesWhere(f -> Set.of("CT", "MR").contains(text(f, TagFromName.Modality))),
                studyUids("?ModalitiesInStudy=CT,MR"));
        // a series-level key on a study search: studies that have such a series
        assertEquals(studiesWhere(f -> text(f, TagFromName.Modality).equals("MR")), studyUids("?Modality=MR"));
    }

    @Test
    void includefieldByKeywordTagAndAll() {
        Loaded ecg = files.stream().filter(f -> f.name().equals("waveform_ecg.dcm")).findFirst().orElseThrow();
        JsonNode answer = search("studies?StudyInstanceUID=" + ecg.studyUid() + "&includefield=PatientAge,00101030"
                + "&includefield=StudyDescription");
        assertEquals(1, answer.size());
        JsonNode study = answer.get(0);
        assertEquals(text(ecg, TagFromName.PatientAge), value(study, "00101010"));
        assertEquals("AS", study.path("00101010").path("vr").asText());
        assertTrue(study.has("00101030"), "PatientWeight included (empty when absent)");

        JsonNode all = search("studies/" + ecg.studyUid() + "/series/" + ecg.seriesUid() + "/instances?includefield=all")
                .get(0);
        assertEquals(text(ecg, TagFromName.Manufacturer), value(all, "00080070"), "stored metadata is included");
        assertFalse(all.toString().contains("BulkDataURI"), "no bulk data in a QIDO answer");
        assertTrue(value(all, "00081190").endsWith("/instances/" + ecg.sopInstanceUid()));
    }

    @Test
    void limitAndOffsetPageThroughAStableOrder() {
        JsonNode all = search("studies");
        List<String> order = new ArrayList<>();
        all.forEach(d -> order.add(value(d, "0020000D")));
        List<String> again = new ArrayList<>();
        search("studies").forEach(d -> again.add(value(d, "0020000D")));
        assertEquals(order, again, "the same search gives the same order");
        JsonNode page = search("studies?limit=2&offset=1");
        assertEquals(2, page.size());
        assertEquals(order.subList(1, 3), List.of(value(page.get(0), "0020000D"), value(page.get(1), "0020000D")));
        assertEquals(0, search("studies?offset=" + order.size()).size());
    }

    @Test
    void noMatchIsAnEmptyArray() {
        assertEquals(0, search("studies?PatientID=no-such-patient").size());
        assertEquals(0, search("studies/1.2.3.4.5.6.7/series").size());
    }

    @Test
    void badParametersAreProblems() {
        for (String query : List.of("NoSuchAttribute=1", "12345678=1", "StudyDate=2020", "StudyDate=20200101-2021",
                "limit=-1", "offset=x", "StudyInstanceUID=1.2.*", "includefield=NotAnAttribute",
                "00400275.00400009=1", "SeriesNumber=one", "PixelData=1", "fuzzymatching=maybe")) {
            Response r = given().urlEncodingEnabled(false).get("/dicomweb/series?" + query);
            assertEquals(400, r.statusCode(), () -> query + " -> " + r.asString());
            assertEquals("application/problem+json", r.contentType());
            assertEquals(400, r.jsonPath().getInt("status"));
            assertNotNull(r.jsonPath().getString("detail"), query);
        }
    }

    @Test
    void fuzzyMatchingIsAcceptedAndWarnedAbout() {
        Response r = given().urlEncodingEnabled(false).get("/dicomweb/studies?fuzzymatching=true&PatientName=doe*");
        assertEquals(200, r.statusCode());
        assertTrue(r.header("Warning").startsWith("299 "), r.header("Warning"));
        assertTrue(r.header("Warning").contains("fuzzymatching"), r.header("Warning"));
        Response literal = given().urlEncodingEnabled(false).get("/dicomweb/studies?fuzzymatching=false&PatientName=doe*");
        assertEquals(null, literal.header("Warning"));
        assertEquals(literal.asString(), r.asString(), "the literal result");
    }

    // ---- series and instance levels ----

    @Test
    void seriesOfAStudyAndAllSeries() {
        Loaded sc = files.stream().filter(f -> f.name().equals("SC_rgb_rle_2frame.dcm")).findFirst().orElseThrow();
        JsonNode series = search("studies/" + sc.studyUid() + "/series");
        assertEquals(files.stream().filter(f -> f.studyUid().equals(sc.studyUid())).map(Loaded::seriesUid)
                .collect(Collectors.toCollection(TreeSet::new)), values(series, "0020000E"));
        JsonNode s = series.get(0);
        assertEquals(files.stream().filter(f -> f.seriesUid().equals(value(s, "0020000E"))).count(),
                s.path("00201209").path("Value").get(0).asLong());
        assertTrue(s.path("00200011").path("Value").get(0).isNumber(), "Series Number is IS: a JSON number");
        assertTrue(value(s, "00081190").endsWith("/studies/" + sc.studyUid() + "/series/" + value(s, "0020000E")));
        assertFalse(s.has("00100010"), "a study-scoped series search leaves out the study's attributes");

        JsonNode allCt = search("series?Modality=CT");
        assertEquals(files.stream().filter(f -> text(f, TagFromName.Modality).equals("CT")).map(Loaded::seriesUid)
                .collect(Collectors.toCollection(TreeSet::new)), values(allCt, "0020000E"));
        assertTrue(allCt.get(0).has("00100010"), "an unscoped series search carries the study's attributes");
    }

    @Test
    void instancesWithImageAttributesAsNumbers() {
        for (Loaded f : files) {
            JsonNode answer = search("studies/" + f.studyUid() + "/series/" + f.seriesUid() + "/instances?SOPInstanceUID="
                    + f.sopInstanceUid());
            assertEquals(1, answer.size(), f.name());
            JsonNode instance = answer.get(0);
            assertEquals(text(f, TagFromName.SOPClassUID), value(instance, "00080016"), f.name());
            for (AttributeTag tag : List.of(TagFromName.Rows, TagFromName.Columns, TagFromName.BitsAllocated,
                    TagFromName.NumberOfFrames, TagFromName.InstanceNumber)) {
                String tagHex = String.format("%04X%04X", tag.getGroup(), tag.getElement());
                String expected = text(f, tag);
                assertTrue(instance.has(tagHex), f.name() + " " + tagHex);
                if (!expected.isEmpty() && expected.matches("[0-9]+")) {
                    JsonNode v = instance.path(tagHex).path("Value").get(0);
                    assertTrue(v.isNumber(), f.name() + " " + tagHex + " " + v);
                    assertEquals(Long.parseLong(expected), v.asLong(), f.name() + " " + tagHex);
                }
            }
        }
    }

    @Test
    void instancesMatchedOnAnAttributeOnlyTheStoredMetadataHas() {
        Loaded ct = files.get(0);
        String manufacturer = text(ct, TagFromName.Manufacturer);
        assertFalse(manufacturer.isEmpty());
        JsonNode answer = search("instances?Manufacturer=" + encode(manufacturer));
        assertEquals(files.stream().filter(f -> text(f, TagFromName.Manufacturer).equals(manufacturer))
                .map(Loaded::sopInstanceUid).collect(Collectors.toCollection(TreeSet::new)), values(answer, "00080018"));
        assertEquals(manufacturer, value(answer.get(0), "00080070"), "a match key is returned");
        assertTrue(answer.get(0).has("00100010"), "an unscoped instance search carries the study's attributes");
    }
}
