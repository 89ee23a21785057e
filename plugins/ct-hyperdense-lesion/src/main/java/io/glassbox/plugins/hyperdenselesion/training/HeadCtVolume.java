package io.glassbox.plugins.hyperdenselesion.training;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * A real head CT volume with its bone mask, read from an InVesalius 3 project: the example {@code Cranium.inv3}
 * that Debian's {@code invesalius-examples} package ships. The project is a gzip-compressed tar holding
 * {@code main.plist} (the volume's shape, type and spacing), {@code matrix.dat} (the voxels, int16
 * little-endian, in HU, z-y-x order) and one {@code mask_N.plist}/{@code mask_N.dat} pair per mask (uint8,
 * one larger than the volume in each axis: index 0 of each axis holds InVesalius's bookkeeping, the voxels
 * start at 1; 255 marks a voxel inside). The bone mask is the one with the higher threshold.
 *
 * @param hu voxel values in Hounsfield units, index {@code (z·height + y)·width + x}; z grows towards the
 *     vertex
 * @param bone whether each voxel is in the bone mask
 * @param spacing voxel size in mm: x, y, z
 */
public record HeadCtVolume(int depth, int height, int width, short[] hu, boolean[] bone, double[] spacing) {

    /** Where Debian's invesalius-examples package puts the example project. */
    public static final Path DEBIAN_CRANIUM = Path.of("/usr/share/doc/invesalius-examples/examples/Cranium.inv3");

    public int sliceSize() {
        return height * width;
    }

    /** One axial slice in HU. */
    public float[] slice(int z) {
        float[] slice = new float[sliceSize()];
        int base = z * sliceSize();
        for (int i = 0; i < slice.length; i++) {
            slice[i] = hu[base + i];
        }
        return slice;
    }

    public boolean[] boneSlice(int z) {
        boolean[] slice = new boolean[sliceSize()];
        System.arraycopy(bone, z * sliceSize(), slice, 0, slice.length);
        return slice;
    }

    /** Reads an InVesalius 3 project file. */
    public static HeadCtVolume readInvesalius(Path project) throws IOException {
        if (!Files.isRegularFile(project)) {
            throw new IOException(project + " not found: install Debian's invesalius-examples package "
                    + "(apt-get install invesalius-examples)");
        }
        Map<String, byte[]> files = readTarGz(project);
        Element main = plist(files, "main.plist");
        Element matrix = dictValue(main, "matrix");
        if (!"int16".equals(text(dictValue(matrix, "dtype")))) {
            throw new IOException("expected an int16 volume, found " + text(dictValue(matrix, "dtype")));
        }
        List<Element> shape = children(dictValue(matrix, "shape"));
        int depth = Integer.parseInt(text(shape.get(0)));
        int height = Integer.parseInt(text(shape.get(1)));
        int width = Integer.parseInt(text(shape.get(2)));
        List<Element> spacingValues = children(dictValue(main, "spacing"));
        double[] spacing = new double[3];
        for (int i = 0; i < 3; i++) {
            spacing[i] = Double.parseDouble(text(spacingValues.get(i)));
        }
        byte[] voxels = file(files, text(dictValue(matrix, "filename")));
        int count = depth * height * width;
        if (voxels.length != count * 2) {
            throw new IOException("matrix has " + voxels.length + " bytes, expected " + count * 2);
        }
        short[] hu = new short[count];
        ByteBuffer.wrap(voxels).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(hu);

        byte[] boneMask = null;
        int boneThreshold = Integer.MIN_VALUE;
        Element masks = dictValue(main, "masks");
        for (Element maskFile : dictValues(masks)) {
            Element mask = plist(files, text(maskFile));
            int lower = Integer.parseInt(text(children(dictValue(mask, "threshold_range")).get(0)));
            if (lower > boneThreshold) {
                boneThreshold = lower;
                boneMask = file(files, text(dictValue(mask, "mask_file")));
            }
        }
        if (boneMask == null || boneMask.length != (depth + 1) * (height + 1) * (width + 1)) {
            throw new IOException("no bone mask of the expected size in " + project);
        }
        boolean[] bone = new boolean[count];
        for (int z = 0; z < depth; z++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int source = ((z + 1) * (height + 1) + (y + 1)) * (width + 1) + (x + 1);
                    bone[(z * height + y) * width + x] = (boneMask[source] & 0xff) == 255;
                }
            }
        }
        return new HeadCtVolume(depth, height, width, hu, bone, spacing);
    }

    /** The regular files of a gzip-compressed ustar archive, by base name. */
    private static Map<String, byte[]> readTarGz(Path archive) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512) {
                String name = field(header, 0, 100);
                if (name.isEmpty()) {
                    break; // the two zero blocks that end the archive
                }
                String prefix = field(header, 345, 155);
                String sizeField = field(header, 124, 12).trim();
                long size = sizeField.isEmpty() ? 0 : Long.parseLong(sizeField, 8);
                byte type = header[156];
                byte[] content = in.readNBytes(Math.toIntExact(size));
                long padding = (512 - size % 512) % 512;
                in.readNBytes(Math.toIntExact(padding));
                if (type == '0' || type == 0) {
                    String path = prefix.isEmpty() ? name : prefix + "/" + name;
                    files.put(path.substring(path.lastIndexOf('/') + 1), content);
                }
            }
        }
        return files;
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }

    private static byte[] file(Map<String, byte[]> files, String name) throws IOException {
        byte[] content = files.get(name);
        if (content == null) {
            throw new IOException("the project has no " + name);
        }
        return content;
    }

    private static Element plist(Map<String, byte[]> files, String name) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            // the plist names Apple's DTD by URL: never fetch it
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            Document document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(file(files, name)));
            return children(document.getDocumentElement()).get(0);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("cannot parse " + name + ": " + e.getMessage(), e);
        }
    }

    private static Element dictValue(Element dict, String key) throws IOException {
        List<Element> entries = children(dict);
        for (int i = 0; i + 1 < entries.size(); i += 2) {
            if (entries.get(i).getTagName().equals("key") && key.equals(text(entries.get(i)))) {
                return entries.get(i + 1);
            }
        }
        throw new IOException("plist has no key " + key);
    }

    private static List<Element> dictValues(Element dict) {
        List<Element> entries = children(dict);
        List<Element> values = new ArrayList<>();
        for (int i = 1; i < entries.size(); i += 2) {
            values.add(entries.get(i));
        }
        return values;
    }

    private static List<Element> children(Element element) {
        List<Element> children = new ArrayList<>();
        for (Node node = element.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element child) {
                children.add(child);
            }
        }
        return children;
    }

    private static String text(Element element) {
        return element.getTextContent().trim();
    }
}
