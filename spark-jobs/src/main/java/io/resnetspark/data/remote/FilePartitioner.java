package io.resnetspark.data.remote;

import org.apache.spark.Partitioner;

/**
 * Sends every image of one output file to the same partition: the key is
 * {@code fileId << 32 | position in the file}, so sorting within a partition also puts each file's images in
 * their order.
 */
public final class FilePartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;

    private final int partitions;

    public FilePartitioner(int partitions) {
        this.partitions = partitions;
    }

    public static long key(int fileId, int position) {
        return ((long) fileId << 32) | (position & 0xFFFFFFFFL);
    }

    public static int fileId(long key) {
        return (int) (key >>> 32);
    }

    @Override
    public int numPartitions() {
        return partitions;
    }

    @Override
    public int getPartition(Object key) {
        return fileId((Long) key) % partitions;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FilePartitioner p && p.partitions == partitions;
    }

    @Override
    public int hashCode() {
        return partitions;
    }
}
