import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.*;

/**
 * Tiny HPROF reader: shortest strong paths from GC roots to every instance of a class (a class loader), then, after
 * cutting the entry edge into that loader's world, the next path, until none is left.
 * Usage: java -Xmx3g drill/tools/HprofPaths.java dump.hprof org.apache.flink.util.ChildFirstClassLoader
 * (-Dweak=true also follows soft, final and phantom references; -DmirrorFields=true adds ClassValue maps as
 * roots, which may be false ones). A diagnostic used for issue 9 (docs/architecture.md "Performance"), not part
 * of the build.
 */
public class HprofPaths {
    static final boolean WEAK = Boolean.getBoolean("weak");
    static MappedByteBuffer[] maps;
    static long fileSize;
    static int idSize;
    static Map<Long, String> strings = new HashMap<>();
    static Map<Long, String> classNames = new HashMap<>();
    static Map<Long, long[]> classInfo = new HashMap<>(); // super, loader
    static Map<Long, byte[]> instFieldTypes = new HashMap<>();
    static Map<Long, long[]> instFieldNames = new HashMap<>();
    static Map<Long, List<long[]>> staticRefs = new HashMap<>(); // [nameId, value]
    static Map<Long, Long> objPos = new HashMap<>(); // id -> position of sub-record body
    static Map<Long, Byte> objKind = new HashMap<>();
    static Map<Long, String> roots = new LinkedHashMap<>();

    static byte get(long p) { return maps[(int) (p >>> 30)].get((int) (p & ((1 << 30) - 1))); }
    static int u1(long p) { return get(p) & 0xff; }
    static int u2(long p) { return (u1(p) << 8) | u1(p + 1); }
    static long u4(long p) { return ((long) u2(p) << 16) | u2(p + 2); }
    static long u8(long p) { return (u4(p) << 32) | u4(p + 4); }
    static long id(long p) { return idSize == 8 ? u8(p) : u4(p); }
    static int typeSize(int t) {
        return switch (t) { case 2 -> idSize; case 4, 8 -> 1; case 5, 9 -> 2; case 6, 10 -> 4; case 7, 11 -> 8;
            default -> throw new IllegalStateException("type " + t); };
    }

    public static void main(String[] a) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(a[0], "r"); FileChannel ch = f.getChannel()) {
            fileSize = ch.size();
            int n = (int) ((fileSize >>> 30) + 1);
            maps = new MappedByteBuffer[n];
            for (int i = 0; i < n; i++) {
                long start = (long) i << 30;
                maps[i] = ch.map(FileChannel.MapMode.READ_ONLY, start, Math.min(fileSize - start, (1L << 30) + 64));
            }
            // mappings overlap by 64 bytes; reads spanning a boundary are handled because each read is per byte
            parse();
        }
        if (a.length > 2) {
            for (var e : objKind.entrySet()) {
                if (e.getValue() == 0x21 && threadName(e.getKey()).contains(a[2])) {
                    Long tccl = fieldValue(e.getKey(), "contextClassLoader");
                    System.out.println(describe(e.getKey()) + " contextClassLoader=" + (tccl == null || tccl == 0 ? "null" : describe(tccl)));
                }
            }
            return;
        }
        if (Boolean.getBoolean("mirrorFields")) {
            // Objects hanging off java.lang.Class mirrors' own instance fields, which HPROF does not emit as edges.
            for (var e : objKind.entrySet()) {
                if (e.getValue() == 0x21) {
                    String cn = classNames.get(classOf(e.getKey()));
                    if ("java.lang.ClassValue$ClassValueMap".equals(cn)
                            ) {
                        roots.putIfAbsent(e.getKey(), "pseudo-root: " + cn + " (a Class mirror's field)");
                    }
                }
            }
        }
        String target = a[1];
        List<Long> targets = new ArrayList<>();
        for (var e : objKind.entrySet()) {
            if (e.getValue() == 0x21 && target.equals(classNames.get(classOf(e.getKey())))) targets.add(e.getKey());
        }
        System.out.println("instances of " + target + ": " + targets.size() + " roots: " + roots.size()
                + " objects: " + objPos.size());
        for (long t : targets) {
            System.out.println("\n##### " + target + " @" + Long.toHexString(t) + " (classes defined: "
                    + classNames.entrySet().stream().filter(c -> classInfo.containsKey(c.getKey())
                            && classInfo.get(c.getKey())[1] == t).count() + ")");
            Set<Long> blockedFrom = new HashSet<>();
            for (int iter = 0; iter < 12; iter++) {
                List<Long> path = shortestPath(t, blockedFrom);
                if (path == null) { System.out.println("  no more strong paths"); break; }
                System.out.println("  path " + (iter + 1) + ": root " + roots.get(path.get(0)));
                long cut = -1;
                for (int i = 0; i < path.size(); i++) {
                    long o = path.get(i);
                    String label = describe(o);
                    String via = i + 1 < path.size() ? fieldName(o, path.get(i + 1)) : "";
                    System.out.println("    " + label + (via.isEmpty() ? "" : "  --" + via + "-->"));
                    if (cut < 0 && i + 1 < path.size() && inWorld(path.get(i + 1), t) && !inWorld(o, t)) cut = o;
                }
                if (cut < 0) cut = path.get(path.size() - 2);
                blockedFrom.add(cut);
            }
        }
    }

    /** Whether an object belongs to the loader's world: the loader itself, its classes, their instances. */
    static boolean inWorld(long o, long loader) {
        if (o == loader) return true;
        Byte k = objKind.get(o);
        if (k == null) return false;
        long cls = k == 0x20 ? o : k == 0x21 ? classOf(o) : k == 0x22 ? u4Cls(o) : 0;
        long[] ci = classInfo.get(cls);
        return ci != null && ci[1] == loader;
    }

    static long u4Cls(long arr) { long p = objPos.get(arr); return id(p + idSize + 8); }

    static boolean isSoft(long cls) {
        for (long c = cls; c != 0; c = classInfo.get(c)[0]) if (("java.lang.ref.SoftReference".equals(classNames.get(c)) || "java.lang.ref.FinalReference".equals(classNames.get(c)) || "java.lang.ref.PhantomReference".equals(classNames.get(c)))) return true;
        return false;
    }

    static long classOf(long inst) { return id(objPos.get(inst) + idSize + 4); }

    static String describe(long o) {
        Byte k = objKind.get(o);
        if (k == null) return "?@" + Long.toHexString(o);
        return switch (k) {
            case 0x20 -> "class " + classNames.get(o) + " (loader " + loaderName(classInfo.get(o)[1]) + ")";
            case 0x21 -> classNames.get(classOf(o)) + "@" + Long.toHexString(o) + threadName(o)
                    + " (class loader " + loaderName(classInfo.get(classOf(o))[1]) + ")";
            case 0x22 -> classNames.get(u4Cls(o)) + "@" + Long.toHexString(o);
            default -> "prim[]";
        };
    }

    /** " named X" for a thread (its name field), else "". */
    static String threadName(long o) {
        long cls = classOf(o);
        boolean thread = false;
        for (long c = cls; c != 0; c = classInfo.get(c)[0]) if ("java.lang.Thread".equals(classNames.get(c))) thread = true;
        if (!thread) return "";
        Long name = fieldValue(o, "name");
        if (name == null || name == 0) return "";
        Long value = fieldValue(name, "value");
        if (value == null || !objPos.containsKey(value)) return "";
        long p = objPos.get(value);
        long count = u4(p + idSize + 4);
        byte[] b = new byte[(int) count];
        for (int i = 0; i < count; i++) b[i] = get(p + idSize + 9 + i);
        return " named \"" + new String(b, java.nio.charset.StandardCharsets.ISO_8859_1) + "\"";
    }

    static Long fieldValue(long o, String field) {
        long cls = classOf(o);
        long p = objPos.get(o) + idSize + 4 + idSize + 4;
        for (long c = cls; c != 0; c = classInfo.get(c)[0]) {
            byte[] t = instFieldTypes.get(c);
            long[] nm = instFieldNames.get(c);
            for (int i = 0; i < t.length; i++) {
                if (t[i] == 2 && field.equals(strings.get(nm[i]))) return id(p);
                p += typeSize(t[i]);
            }
        }
        return null;
    }

    static String loaderName(long l) {
        if (l == 0) return "boot";
        return classNames.get(classOf(l)) + "@" + Long.toHexString(l);
    }

    static String fieldName(long from, long to) {
        Byte k = objKind.get(from);
        if (k == null) return "";
        if (k == 0x20) {
            for (long[] s : staticRefs.getOrDefault(from, List.of())) if (s[1] == to) return "static " + strings.get(s[0]);
            long[] ci = classInfo.get(from);
            if (ci[1] == to) return "classLoader";
            return "class-ref";
        }
        if (k == 0x22) return "[]";
        if (k == 0x21) {
            long cls = classOf(from);
            if (cls == to) return "getClass()";
            long p = objPos.get(from) + idSize + 4 + idSize + 4;
            for (long c = cls; c != 0; c = classInfo.get(c)[0]) {
                byte[] t = instFieldTypes.get(c);
                long[] nm = instFieldNames.get(c);
                for (int i = 0; i < t.length; i++) {
                    if (t[i] == 2 && id(p) == to) return strings.get(nm[i]);
                    p += typeSize(t[i]);
                }
            }
        }
        return "";
    }

    static List<Long> shortestPath(long target, Set<Long> blockedFrom) {
        Map<Long, Long> parent = new HashMap<>();
        ArrayDeque<Long> q = new ArrayDeque<>();
        for (long r : roots.keySet()) if (objKind.containsKey(r) && parent.putIfAbsent(r, 0L) == null) q.add(r);
        while (!q.isEmpty()) {
            long o = q.poll();
            if (o == target) {
                LinkedList<Long> path = new LinkedList<>();
                for (long x = o; x != 0; x = parent.get(x)) path.addFirst(x);
                return path;
            }
            for (long r : refs(o)) {
                if (r == 0 || !objKind.containsKey(r)) continue;
                if (blockedFrom.contains(o) && inWorld(r, target)) continue;
                if (parent.putIfAbsent(r, o) == null) q.add(r);
            }
        }
        return null;
    }

    static List<Long> refs(long o) {
        List<Long> out = new ArrayList<>();
        byte k = objKind.get(o);
        long p = objPos.get(o);
        if (k == 0x20) {
            long[] ci = classInfo.get(o);
            out.add(ci[1]);
            out.add(ci[0]);
            for (long[] s : staticRefs.getOrDefault(o, List.of())) out.add(s[1]);
        } else if (k == 0x21) {
            long cls = classOf(o);
            out.add(cls);
            long q = p + idSize + 4 + idSize + 4;
            for (long c = cls; c != 0; c = classInfo.get(c)[0]) {
                byte[] t = instFieldTypes.get(c);
                long[] nm = instFieldNames.get(c);
                boolean ref = "java.lang.ref.Reference".equals(classNames.get(c)) && !(WEAK && isSoft(cls));
                for (int i = 0; i < t.length; i++) {
                    if (t[i] == 2 && !(ref && "referent".equals(strings.get(nm[i])))) out.add(id(q));
                    q += typeSize(t[i]);
                }
            }
        } else if (k == 0x22) {
            long count = u4(p + idSize + 4);
            out.add(id(p + idSize + 8));
            long q = p + idSize + 8 + idSize;
            for (long i = 0; i < count; i++) out.add(id(q + i * idSize));
        }
        return out;
    }

    static void parse() {
        long p = 0;
        while (get(p) != 0) p++;
        p++;
        idSize = (int) u4(p);
        p += 12;
        while (p < fileSize) {
            int tag = u1(p);
            long len = u4(p + 5);
            long body = p + 9;
            if (tag == 0x01) {
                long sid = id(body);
                byte[] b = new byte[(int) (len - idSize)];
                for (int i = 0; i < b.length; i++) b[i] = get(body + idSize + i);
                strings.put(sid, new String(b, java.nio.charset.StandardCharsets.UTF_8));
            } else if (tag == 0x02) {
                classNames.put(id(body + 4), strings.getOrDefault(id(body + 8 + idSize), "?").replace('/', '.'));
            } else if (tag == 0x0C || tag == 0x1C) {
                heap(body, body + len);
            }
            p = body + len;
        }
    }

    static void heap(long p, long end) {
        while (p < end) {
            int st = u1(p++);
            switch (st) {
                case 0xFF -> { roots.put(id(p), "unknown"); p += idSize; }
                case 0x01 -> { roots.put(id(p), "JNI global"); p += 2L * idSize; }
                case 0x02 -> { roots.putIfAbsent(id(p), "JNI local"); p += idSize + 8; }
                case 0x03 -> { roots.putIfAbsent(id(p), "Java frame (thread serial " + u4(p + idSize) + ")"); p += idSize + 8; }
                case 0x04 -> { roots.putIfAbsent(id(p), "native stack"); p += idSize + 4; }
                case 0x05 -> { roots.putIfAbsent(id(p), "sticky class"); p += idSize; }
                case 0x06 -> { roots.putIfAbsent(id(p), "thread block"); p += idSize + 4; }
                case 0x07 -> { roots.putIfAbsent(id(p), "monitor used"); p += idSize; }
                case 0x08 -> { roots.putIfAbsent(id(p), "thread object"); p += idSize + 8; }
                case 0x20 -> {
                    long cid = id(p);
                    objPos.put(cid, p);
                    objKind.put(cid, (byte) 0x20);
                    long sup = id(p + idSize + 4);
                    long loader = id(p + 2L * idSize + 4);
                    classInfo.put(cid, new long[] {sup, loader});
                    long q = p + 7L * idSize + 8;
                    int cp = u2(q); q += 2;
                    for (int i = 0; i < cp; i++) { int t = u1(q + 2); q += 3 + typeSize(t); }
                    int sc = u2(q); q += 2;
                    List<long[]> sr = new ArrayList<>();
                    for (int i = 0; i < sc; i++) {
                        long nm = id(q); int t = u1(q + idSize);
                        if (t == 2) sr.add(new long[] {nm, id(q + idSize + 1)});
                        q += idSize + 1 + typeSize(t);
                    }
                    staticRefs.put(cid, sr);
                    int ic = u2(q); q += 2;
                    byte[] types = new byte[ic];
                    long[] names = new long[ic];
                    for (int i = 0; i < ic; i++) { names[i] = id(q); types[i] = (byte) u1(q + idSize); q += idSize + 1; }
                    instFieldTypes.put(cid, types);
                    instFieldNames.put(cid, names);
                    p = q;
                }
                case 0x21 -> {
                    long oid = id(p);
                    objPos.put(oid, p);
                    objKind.put(oid, (byte) 0x21);
                    p += idSize + 4 + idSize + 4 + u4(p + 2L * idSize + 4);
                }
                case 0x22 -> {
                    long oid = id(p);
                    objPos.put(oid, p);
                    objKind.put(oid, (byte) 0x22);
                    p += idSize + 8 + idSize + u4(p + idSize + 4) * idSize;
                }
                case 0x23 -> {
                    objPos.put(id(p), p);
                    objKind.put(id(p), (byte) 0x23);
                    long count = u4(p + idSize + 4);
                    int t = u1(p + idSize + 8);
                    p += idSize + 9 + count * typeSize(t);
                }
                default -> throw new IllegalStateException("sub-record " + st + " at " + (p - 1));
            }
        }
    }
}
