package io.smsgw.correlation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.IndexType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.ReadTier;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB database behind the store: four column families and the native objects that configure
 * them, opened and released together.
 *
 * <ul>
 *   <li>{@code records}: record key to record value, with bloom filters for point lookups;</li>
 *   <li>{@code expiry}: the expiry index (see {@link ExpiryKeys}), values empty, scanned in order;</li>
 *   <li>{@code accepted}: the accepted-parts index (MT segment to record, see {@link RecordCodec#acceptedKey}), values
 *   empty, written and deleted in the same batches as the records, scanned by prefix;</li>
 *   <li>{@code default}: the layout version and the record count, updated in the same batch as the records.</li>
 * </ul>
 * Native memory is bounded by the block cache (which also holds index and filter blocks) plus the
 * memtables (three per table at most).
 */
final class StoreDatabase implements AutoCloseable {

   static final long LAYOUT_VERSION = 1;
   private static final byte[] LAYOUT_KEY = "layout-version".getBytes(StandardCharsets.US_ASCII);
   private static final byte[] COUNT_KEY = "record-count".getBytes(StandardCharsets.US_ASCII);
   private static final int MEMTABLES_PER_TABLE = 3;

   final RocksDB db;
   final ColumnFamilyHandle records;
   final ColumnFamilyHandle expiry;
   final ColumnFamilyHandle accepted;
   private final ColumnFamilyHandle meta;
   /** Writes that return only after the WAL is synced to disk. */
   final WriteOptions syncedWrite;
   /** Reads that answer from memory or fail with status Incomplete, never touching the disk. */
   final ReadOptions memoryOnlyRead;
   /** Native objects, released in reverse order of creation. */
   private final List<AutoCloseable> resources;

   private StoreDatabase(RocksDB db, List<ColumnFamilyHandle> handles, WriteOptions syncedWrite,
                         ReadOptions memoryOnlyRead, List<AutoCloseable> resources) {
      this.db = db;
      this.meta = handles.get(0);
      this.records = handles.get(1);
      this.expiry = handles.get(2);
      this.accepted = handles.get(3);
      this.syncedWrite = syncedWrite;
      this.memoryOnlyRead = memoryOnlyRead;
      this.resources = resources;
   }

   static StoreDatabase open(CorrelationStoreConfig config) {
      RocksDB.loadLibrary();
      try {
         Files.createDirectories(config.directory());
      } catch (IOException e) {
         throw new CorrelationStoreException("cannot create " + config.directory(), e);
      }
      List<AutoCloseable> resources = new ArrayList<>();
      try {
         LRUCache cache = track(resources, new LRUCache(config.blockCacheBytes()));
         BloomFilter bloom = track(resources, new BloomFilter(10));
         // Partitioned index and filters, cached with high priority and their top level pinned: memory stays
         // bounded by the cache however many records wait, and a lookup loads only the small partitions it needs.
         BlockBasedTableConfig lookupTables = new BlockBasedTableConfig()
               .setBlockCache(cache)
               .setFilterPolicy(bloom)
               .setIndexType(IndexType.kTwoLevelIndexSearch)
               .setPartitionFilters(true)
               .setMetadataBlockSize(4_096)
               .setCacheIndexAndFilterBlocks(true)
               .setCacheIndexAndFilterBlocksWithHighPriority(true)
               .setPinTopLevelIndexAndFilter(true)
               .setPinL0FilterAndIndexBlocksInCache(true);
         BlockBasedTableConfig scanTables = new BlockBasedTableConfig()
               .setBlockCache(cache)
               .setIndexType(IndexType.kTwoLevelIndexSearch)
               .setMetadataBlockSize(4_096)
               .setCacheIndexAndFilterBlocks(true)
               .setCacheIndexAndFilterBlocksWithHighPriority(true)
               .setPinTopLevelIndexAndFilter(true);
         ColumnFamilyOptions metaOptions = track(resources, new ColumnFamilyOptions()
               .setWriteBufferSize(1L << 20));
         ColumnFamilyOptions recordOptions = track(resources, new ColumnFamilyOptions()
               .setTableFormatConfig(lookupTables)
               // A bloom filter on each memtable too: the writer checks every new key, and most are absent.
               .setMemtableWholeKeyFiltering(true)
               .setMemtablePrefixBloomSizeRatio(0.1)
               .setWriteBufferSize(config.writeBufferBytes())
               .setMaxWriteBufferNumber(MEMTABLES_PER_TABLE)
               .setCompressionType(CompressionType.LZ4_COMPRESSION));
         ColumnFamilyOptions expiryOptions = track(resources, new ColumnFamilyOptions()
               .setTableFormatConfig(scanTables)
               .setWriteBufferSize(Math.max(1L << 20, config.writeBufferBytes() / 4))
               .setMaxWriteBufferNumber(MEMTABLES_PER_TABLE)
               .setCompressionType(CompressionType.LZ4_COMPRESSION));
         // Entries live as long as their records, most of them seconds; a store written before this index existed
         // gets it empty (its records are then not found by MT, only by SMSC id).
         ColumnFamilyOptions acceptedOptions = track(resources, new ColumnFamilyOptions()
               .setTableFormatConfig(scanTables)
               .setWriteBufferSize(Math.max(1L << 20, config.writeBufferBytes() / 4))
               .setMaxWriteBufferNumber(MEMTABLES_PER_TABLE)
               .setCompressionType(CompressionType.LZ4_COMPRESSION));
         DBOptions dbOptions = track(resources, new DBOptions()
               .setCreateIfMissing(true)
               .setCreateMissingColumnFamilies(true)
               .setMaxBackgroundJobs(2)
               .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
               .setKeepLogFileNum(3)
               .setMaxLogFileSize(8L << 20)
               // The small meta table is written with every batch; without this bound its memtable would keep
               // old WAL files (and a long replay on restart) around until the WAL reached gigabytes.
               .setMaxTotalWalSize(128L << 20)
               .setStatsDumpPeriodSec(0));
         List<ColumnFamilyDescriptor> families = List.of(
               new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, metaOptions),
               new ColumnFamilyDescriptor("records".getBytes(StandardCharsets.US_ASCII), recordOptions),
               new ColumnFamilyDescriptor("expiry".getBytes(StandardCharsets.US_ASCII), expiryOptions),
               new ColumnFamilyDescriptor("accepted".getBytes(StandardCharsets.US_ASCII), acceptedOptions));
         WriteOptions syncedWrite = track(resources, new WriteOptions().setSync(true));
         ReadOptions memoryOnlyRead = track(resources, new ReadOptions().setReadTier(ReadTier.BLOCK_CACHE_TIER));
         List<ColumnFamilyHandle> handles = new ArrayList<>();
         RocksDB db = RocksDB.open(dbOptions, config.directory().toString(), families, handles);
         // Handles and the database are released first, the options they use after them.
         resources.add(db);
         resources.addAll(handles);
         StoreDatabase database = new StoreDatabase(db, handles, syncedWrite, memoryOnlyRead, resources);
         database.checkLayout();
         return database;
      } catch (RocksDBException | RuntimeException e) {
         closeAll(resources);
         if (e instanceof CorrelationStoreException) {
            throw (CorrelationStoreException) e;
         }
         throw new CorrelationStoreException("cannot open the correlation store in " + config.directory(), e);
      }
   }

   private static <T extends AutoCloseable> T track(List<AutoCloseable> resources, T resource) {
      resources.add(resource);
      return resource;
   }

   /** Marks a new store with the layout version; refuses a store written in another layout. */
   private void checkLayout() throws RocksDBException {
      byte[] stored = db.get(meta, LAYOUT_KEY);
      if (stored == null) {
         db.put(meta, syncedWrite, LAYOUT_KEY, longBytes(LAYOUT_VERSION));
      } else if (stored.length != 8 || RecordCodec.readLong(stored, 0) != LAYOUT_VERSION) {
         throw new CorrelationStoreException("the correlation store in this directory has an unknown layout");
      }
   }

   /** The record count as of the last synced batch. */
   long storedCount() {
      try {
         byte[] stored = db.get(meta, COUNT_KEY);
         return stored == null ? 0 : RecordCodec.readLong(stored, 0);
      } catch (RocksDBException e) {
         throw new CorrelationStoreException("cannot read the record count", e);
      }
   }

   void putCount(WriteBatch batch, long count) throws RocksDBException {
      batch.put(meta, COUNT_KEY, longBytes(count));
   }

   private static byte[] longBytes(long value) {
      byte[] bytes = new byte[8];
      RecordCodec.writeLong(bytes, 0, value);
      return bytes;
   }

   /** Releases the database and its native objects; the caller guarantees no read or write is running. */
   @Override
   public void close() {
      closeAll(resources);
   }

   private static void closeAll(List<AutoCloseable> resources) {
      for (int i = resources.size() - 1; i >= 0; i--) {
         try {
            resources.get(i).close();
         } catch (Exception ignored) {
            // Releasing native memory on shutdown; nothing useful to do with a failure here.
         }
      }
      resources.clear();
   }
}
