package io.imagebuilder.qemu.internal.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The metadata of a qcow2 v3 image whose data clusters are all compressed and packed one after another
 * from the second cluster on (docs/interop/qcow2.txt). The data goes first; {@link #finish} then writes the
 * L2 tables, the L1 table, the refcount table and blocks after it, and the header into cluster 0.
 */
final class Qcow2Layout {

    static final int CLUSTER_BITS = 16;
    static final int CLUSTER_SIZE = 1 << CLUSTER_BITS;
    private static final int L2_ENTRIES = CLUSTER_SIZE / 8;
    private static final int REFCOUNT_ORDER = 4; // 16-bit refcounts, QEMU's default
    private static final int REFCOUNTS_PER_BLOCK = CLUSTER_SIZE / 2;
    private static final int SECTOR = 512;
    private static final int CSIZE_SHIFT = 62 - (CLUSTER_BITS - 8);
    private static final long COMPRESSED = 1L << 62;
    private static final long COPIED = 1L << 63;
    private static final int HEADER_LENGTH = 112;
    private static final long INCOMPAT_COMPRESSION_TYPE = 1L << 3;

    private final long virtualSize;
    private final boolean zstd;
    /** One L2 entry per guest cluster; 0 reads as zeros (no backing file). */
    private final long[] l2;
    /** Refcounts of the data clusters, by host cluster index. */
    private int[] refcounts = new int[64];

    Qcow2Layout(long virtualSize, boolean zstd) {
        this.virtualSize = virtualSize;
        this.zstd = zstd;
        long clusters = (virtualSize + CLUSTER_SIZE - 1) / CLUSTER_SIZE;
        if (clusters > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("disk too large: " + virtualSize + " bytes");
        }
        this.l2 = new long[(int) clusters];
    }

    /** Where the data starts: after the header cluster. */
    static long dataStart() {
        return CLUSTER_SIZE;
    }

    /**
     * Records guest cluster {@code index} as compressed data of {@code length} bytes at host {@code offset}.
     * Refcounts count, as QEMU's checker does, one reference per compressed cluster for every host cluster
     * its sectors touch.
     */
    void compressed(int index, long offset, int length) {
        long sectors = ((offset + length - 1) / SECTOR) - (offset / SECTOR); // QEMU stores this count minus one
        if (sectors > (1 << (CLUSTER_BITS - 8)) - 1) {
            throw new IllegalArgumentException("compressed cluster of " + length + " bytes does not fit");
        }
        l2[index] = COMPRESSED | (sectors << CSIZE_SHIFT) | offset;
        long end = (offset / SECTOR + sectors + 1) * SECTOR; // the checker reads whole sectors
        for (long c = offset >> CLUSTER_BITS; c <= (end - 1) >> CLUSTER_BITS; c++) {
            reference(c);
        }
    }

    private void reference(long hostCluster) {
        if (hostCluster >= refcounts.length) {
            int[] bigger = new int[(int) Math.max(refcounts.length * 2L, hostCluster + 1)];
            System.arraycopy(refcounts, 0, bigger, 0, refcounts.length);
            refcounts = bigger;
        }
        refcounts[(int) hostCluster]++;
    }

    /** Writes the metadata after {@code dataEnd} and the header; returns the file's final length. */
    long finish(FileChannel out, long dataEnd) throws IOException {
        long next = (dataEnd + CLUSTER_SIZE - 1) / CLUSTER_SIZE; // first free host cluster
        int l1Size = (l2.length + L2_ENTRIES - 1) / L2_ENTRIES;
        long[] l1 = new long[l1Size];
        ByteBuffer table = ByteBuffer.allocate(CLUSTER_SIZE);
        for (int t = 0; t < l1Size; t++) {
            int from = t * L2_ENTRIES;
            int to = Math.min(l2.length, from + L2_ENTRIES);
            boolean used = false;
            table.clear();
            for (int i = from; i < to; i++) {
                table.putLong(l2[i]);
                used |= l2[i] != 0;
            }
            if (!used) {
                continue; // an L1 entry of 0: the whole range reads as zeros
            }
            while (table.hasRemaining()) {
                table.put((byte) 0);
            }
            long at = next++ * CLUSTER_SIZE;
            write(out, table.flip(), at);
            l1[t] = at | COPIED;
        }
        long l1Offset = next * CLUSTER_SIZE;
        int l1Clusters = (l1Size * 8 + CLUSTER_SIZE - 1) / CLUSTER_SIZE;
        ByteBuffer l1Bytes = ByteBuffer.allocate(l1Clusters * CLUSTER_SIZE);
        for (long e : l1) {
            l1Bytes.putLong(e);
        }
        write(out, l1Bytes.clear(), l1Offset);
        next += l1Clusters;

        // The refcount table and blocks cover every cluster in use, themselves included.
        long usedBeforeRefcounts = next;
        long blocks = 1;
        long tableClusters = 1;
        while (true) {
            long total = usedBeforeRefcounts + tableClusters + blocks;
            long needBlocks = (total + REFCOUNTS_PER_BLOCK - 1) / REFCOUNTS_PER_BLOCK;
            long needTable = (needBlocks * 8 + CLUSTER_SIZE - 1) / CLUSTER_SIZE;
            if (needBlocks == blocks && needTable == tableClusters) {
                break;
            }
            blocks = needBlocks;
            tableClusters = needTable;
        }
        long tableOffset = next * CLUSTER_SIZE;
        long firstBlock = next + tableClusters;
        long totalClusters = firstBlock + blocks;
        ByteBuffer refTable = ByteBuffer.allocate((int) (tableClusters * CLUSTER_SIZE));
        for (long b = 0; b < blocks; b++) {
            refTable.putLong((firstBlock + b) * CLUSTER_SIZE);
        }
        write(out, refTable.clear(), tableOffset);
        ByteBuffer block = ByteBuffer.allocate(CLUSTER_SIZE);
        for (long b = 0; b < blocks; b++) {
            block.clear();
            for (int i = 0; i < REFCOUNTS_PER_BLOCK; i++) {
                long cluster = b * REFCOUNTS_PER_BLOCK + i;
                int count;
                if (cluster == 0 || (cluster >= (dataEnd + CLUSTER_SIZE - 1) / CLUSTER_SIZE
                        && cluster < totalClusters)) {
                    count = 1; // header, tables
                } else {
                    count = cluster < refcounts.length ? refcounts[(int) cluster] : 0;
                }
                if (count > 0xffff) {
                    throw new IllegalStateException("refcount overflow in host cluster " + cluster);
                }
                block.putShort((short) count);
            }
            write(out, block.flip(), (firstBlock + b) * CLUSTER_SIZE);
        }

        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH + 8);
        header.putInt(0x514649fb).putInt(3) // magic "QFI\xfb", version 3
                .putLong(0).putInt(0) // no backing file
                .putInt(CLUSTER_BITS).putLong(virtualSize).putInt(0) // no encryption
                .putInt(l1Size).putLong(l1Offset)
                .putLong(tableOffset).putInt((int) tableClusters)
                .putInt(0).putLong(0) // no snapshots
                .putLong(zstd ? INCOMPAT_COMPRESSION_TYPE : 0).putLong(0).putLong(0)
                .putInt(REFCOUNT_ORDER).putInt(HEADER_LENGTH)
                .put((byte) (zstd ? 1 : 0)); // compression type, then padding to 112
        header.position(HEADER_LENGTH);
        header.putInt(0).putInt(0); // end of header extensions
        write(out, header.flip(), 0);
        long length = totalClusters * CLUSTER_SIZE;
        if (out.size() < length) {
            write(out, ByteBuffer.allocate(1), length - 1);
        }
        return length;
    }

    private static void write(FileChannel out, ByteBuffer buf, long position) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            at += out.write(buf, at);
        }
    }
}
