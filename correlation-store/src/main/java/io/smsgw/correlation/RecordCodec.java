package io.smsgw.correlation;

import java.nio.charset.StandardCharsets;

/**
 * The store's binary layout of a record: a key made of the correlation group and SMSC message id, and a value with
 * everything else. Both are written straight into exactly sized arrays (no intermediate buffers).
 *
 * <pre>
 * key   = varint(correlationGroup UTF-8 length) correlationGroup smscMessageId
 * value = version(1)
 *         smsId account originGateway source destination serviceId feeType feeCode feeTerminal protocolVersion
 *         correlationId [linkId]       (each: varint(UTF-8 length + 1) bytes; varint 0 = null)
 *         sourceTon(1) sourceNpi(1) destinationTon(1) destinationNpi(1) [smsParts(2)]
 *         feeUserType(1) registeredDelivery(1) protocol(1) flags(1)
 *         submitTimeMillis(8) expiresAtMillis(8) segmentRef(2) segmentTotal(1) segmentNumber(1)
 * </pre>
 * flags bit 0: {@code gatewaySplit}; bit 1: {@code serviceType}; bits 2 to 5: sourceTon, sourceNpi, destinationTon,
 * destinationNpi present (an absent one is written as 0). The linkId string is there in version 4 only, written for a
 * record whose link is not its correlation group (a link of a shared SMSC account, decision on correlation groups);
 * a record keyed under its link's own name is written as version 3, its link being the key's group. Version 5 is
 * written for a part a link sent whole as {@code message_payload} ({@code smsParts} above 0): the linkId string is
 * always there (null when the link is the group) and smsParts follows the TON/NPI bytes.
 * Versions 1 (no flags byte) and 2 (flags bit 0 only, no
 * correlationId, no TON/NPI bytes) were written before and are still read, so the records an upgraded gateway finds in
 * its store keep matching their receipts; the protocol and flags bytes, the deadline and the segment number keep their
 * places from the value's end in every version.
 * Multi-byte numbers are big-endian; varints are unsigned LEB128.
 */
final class RecordCodec {

   /** The version of a record with an SMS count: version 4 with the link's name or null, and smsParts. */
   static final byte VALUE_VERSION_5 = 5;
   /** The version of a record whose link is not its correlation group: version 3 and the link's name. */
   static final byte VALUE_VERSION_4 = 4;
   /** The version of a record keyed under its link's own name. */
   static final byte VALUE_VERSION = 3;
   /** The version before the correlation id, the service_type flag and TON/NPI: read, never written. */
   static final byte VALUE_VERSION_2 = 2;
   /** The version before the flags byte: read, never written. */
   static final byte VALUE_VERSION_1 = 1;
   /** Bytes after the strings: eight single bytes, two longs, a short and two bytes. */
   private static final int FIXED_TAIL = 4 + 4 + 8 + 8 + 2 + 1 + 1;
   /** The shortest tail (version 1: no flags byte, no TON/NPI). */
   private static final int MIN_FIXED_TAIL = FIXED_TAIL - 5;
   private static final int FLAG_GATEWAY_SPLIT = 1;
   private static final int FLAG_SERVICE_TYPE = 1 << 1;
   private static final int FLAG_SOURCE_TON = 1 << 2;
   private static final int FLAG_SOURCE_NPI = 1 << 3;
   private static final int FLAG_DESTINATION_TON = 1 << 4;
   private static final int FLAG_DESTINATION_NPI = 1 << 5;

   private RecordCodec() {
   }

   static byte[] encodeKey(String group, String smscMessageId) {
      int groupLength = utf8Length(group);
      byte[] key = new byte[varintLength(groupLength) + groupLength + utf8Length(smscMessageId)];
      int at = writeVarint(key, 0, groupLength);
      at = writeUtf8(key, at, group);
      writeUtf8(key, at, smscMessageId);
      return key;
   }

   static byte[] encodeKey(CorrelationRecord record) {
      return encodeKey(record.correlationGroup(), record.smscMessageId());
   }

   static byte[] encodeValue(CorrelationRecord r) {
      // The link goes into the value only when the key does not say it (most records: 1 byte less, and readable by a
      // gateway from before groups).
      String link = r.linkId().equals(r.correlationGroup()) ? null : r.linkId();
      boolean withParts = r.smsParts() != 0;
      int size = 1 + FIXED_TAIL + (withParts ? stringSize(link) + 2 : link == null ? 0 : stringSize(link))
            + stringSize(r.smsId()) + stringSize(r.account()) + stringSize(r.originGateway())
            + stringSize(r.source()) + stringSize(r.destination()) + stringSize(r.serviceId())
            + stringSize(r.feeType()) + stringSize(r.feeCode()) + stringSize(r.feeTerminal())
            + stringSize(r.protocolVersion()) + stringSize(r.correlationId());
      byte[] out = new byte[size];
      out[0] = withParts ? VALUE_VERSION_5 : link == null ? VALUE_VERSION : VALUE_VERSION_4;
      int at = 1;
      at = writeString(out, at, r.smsId());
      at = writeString(out, at, r.account());
      at = writeString(out, at, r.originGateway());
      at = writeString(out, at, r.source());
      at = writeString(out, at, r.destination());
      at = writeString(out, at, r.serviceId());
      at = writeString(out, at, r.feeType());
      at = writeString(out, at, r.feeCode());
      at = writeString(out, at, r.feeTerminal());
      at = writeString(out, at, r.protocolVersion());
      at = writeString(out, at, r.correlationId());
      if (link != null || withParts) {
         at = writeString(out, at, link);
      }
      out[at++] = (byte) r.sourceTon(); // ABSENT (-1) goes as 0xFF, its flag clear
      out[at++] = (byte) r.sourceNpi();
      out[at++] = (byte) r.destinationTon();
      out[at++] = (byte) r.destinationNpi();
      if (withParts) {
         out[at++] = (byte) (r.smsParts() >>> 8);
         out[at++] = (byte) r.smsParts();
      }
      out[at++] = (byte) r.feeUserType();
      out[at++] = (byte) r.registeredDelivery();
      out[at++] = r.protocol().code();
      out[at++] = (byte) flags(r);
      at = writeLong(out, at, r.submitTimeMillis());
      at = writeLong(out, at, r.expiresAtMillis());
      out[at++] = (byte) (r.segmentRef() >>> 8);
      out[at++] = (byte) r.segmentRef();
      out[at++] = (byte) r.segmentTotal();
      out[at] = (byte) r.segmentNumber();
      return out;
   }

   private static int flags(CorrelationRecord r) {
      int flags = r.gatewaySplit() ? FLAG_GATEWAY_SPLIT : 0;
      if (r.serviceType()) {
         flags |= FLAG_SERVICE_TYPE;
      }
      if (r.sourceTon() != CorrelationRecord.ABSENT) {
         flags |= FLAG_SOURCE_TON;
      }
      if (r.sourceNpi() != CorrelationRecord.ABSENT) {
         flags |= FLAG_SOURCE_NPI;
      }
      if (r.destinationTon() != CorrelationRecord.ABSENT) {
         flags |= FLAG_DESTINATION_TON;
      }
      if (r.destinationNpi() != CorrelationRecord.ABSENT) {
         flags |= FLAG_DESTINATION_NPI;
      }
      return flags;
   }

   /** A TON or NPI byte of a stored value, or {@link CorrelationRecord#ABSENT} when its flag says none was stored. */
   private static int tonOrNpi(byte value, int flags, int flag) {
      return (flags & flag) != 0 ? value & 0xFF : CorrelationRecord.ABSENT;
   }

   private static boolean known(byte version) {
      return version == VALUE_VERSION_5 || version == VALUE_VERSION_4 || version == VALUE_VERSION || version == VALUE_VERSION_2 || version == VALUE_VERSION_1;
   }

   /**
    * Decodes a stored record.
    *
    * @throws CorrelationStoreException if the bytes are not a record this version wrote
    */
   static CorrelationRecord decode(byte[] key, byte[] value) {
      return decode(key, 0, key.length, value);
   }

   /** Decodes a record whose key sits in {@code key[keyOffset, keyOffset + keyLength)}. */
   static CorrelationRecord decode(byte[] key, int keyOffset, int keyLength, byte[] value) {
      Reader k = new Reader(key, keyOffset, keyOffset + keyLength, "key");
      String group = k.utf8(k.varint());
      String smscMessageId = k.utf8(k.remaining());
      String linkId = group;

      Reader v = new Reader(value, 0, value.length, "value");
      byte version = v.b();
      if (!known(version)) {
         throw new CorrelationStoreException("stored record has unknown format version " + version);
      }
      String smsId = v.string();
      String account = v.string();
      String originGateway = v.string();
      String source = v.string();
      String destination = v.string();
      String serviceId = v.string();
      String feeType = v.string();
      String feeCode = v.string();
      String feeTerminal = v.string();
      String protocolVersion = v.string();
      String correlationId = null;
      byte sourceTon = 0;
      byte sourceNpi = 0;
      byte destinationTon = 0;
      byte destinationNpi = 0;
      int smsParts = 0;
      boolean current = version == VALUE_VERSION || version == VALUE_VERSION_4 || version == VALUE_VERSION_5;
      if (current) {
         correlationId = v.string();
         if (version == VALUE_VERSION_4) {
            linkId = v.string();
            if (linkId == null) {
               throw new CorrelationStoreException("stored record of version " + VALUE_VERSION_4 + " has no link");
            }
         } else if (version == VALUE_VERSION_5) {
            String link = v.string();
            linkId = link == null ? group : link;
         }
         sourceTon = v.b();
         sourceNpi = v.b();
         destinationTon = v.b();
         destinationNpi = v.b();
         if (version == VALUE_VERSION_5) {
            smsParts = (v.b() & 0xFF) << 8 | v.b() & 0xFF;
         }
      }
      int feeUserType = v.b() & 0xFF;
      int registeredDelivery = v.b() & 0xFF;
      byte protocolCode = v.b();
      SmsProtocol protocol = SmsProtocol.fromCode(protocolCode);
      if (protocol == null) {
         throw new CorrelationStoreException("stored record has unknown protocol code " + protocolCode);
      }
      int flags = version == VALUE_VERSION_1 ? 0 : v.b() & 0xFF;
      if (!current) {
         flags &= FLAG_GATEWAY_SPLIT; // the only flag before version 3
      }
      long submitTime = v.longValue();
      long expiresAt = v.longValue();
      int segmentRef = (v.b() & 0xFF) << 8 | v.b() & 0xFF;
      int segmentTotal = v.b() & 0xFF;
      int segmentNumber = v.b() & 0xFF;
      if (v.remaining() != 0) {
         throw new CorrelationStoreException("stored record has " + v.remaining() + " trailing bytes");
      }
      try {
         return new CorrelationRecord(linkId, smscMessageId, smsId, account, originGateway, source, destination,
               serviceId, feeUserType, feeType, feeCode, feeTerminal, submitTime, expiresAt, segmentRef,
               segmentTotal, segmentNumber, registeredDelivery, protocol, protocolVersion,
               (flags & FLAG_GATEWAY_SPLIT) != 0, correlationId, (flags & FLAG_SERVICE_TYPE) != 0,
               tonOrNpi(sourceTon, flags, FLAG_SOURCE_TON), tonOrNpi(sourceNpi, flags, FLAG_SOURCE_NPI),
               tonOrNpi(destinationTon, flags, FLAG_DESTINATION_TON), tonOrNpi(destinationNpi, flags, FLAG_DESTINATION_NPI),
               group, smsParts);
      } catch (IllegalArgumentException | NullPointerException e) {
         throw new CorrelationStoreException("stored record is invalid: " + e.getMessage(), e);
      }
   }

   /**
    * Key of the accepted-parts index: which MT segment a record is for, then the record's key, so one prefix scan
    * finds every record of an MT to a recipient (see {@link AcceptedParts}).
    *
    * <pre>accepted key = smsId destination (each as in the value: varint(UTF-8 length + 1) bytes) segmentNumber(1) record key</pre>
    */
   static byte[] acceptedKey(CorrelationRecord r, byte[] recordKey) {
      int prefix = stringSize(r.smsId()) + stringSize(r.destination());
      byte[] key = new byte[prefix + 1 + recordKey.length];
      int at = writeString(key, 0, r.smsId());
      at = writeString(key, at, r.destination());
      key[at++] = (byte) r.segmentNumber();
      System.arraycopy(recordKey, 0, key, at, recordKey.length);
      return key;
   }

   /**
    * The same key from a stored value, copying its bytes without decoding strings (the writer does this for every
    * removal).
    *
    * @throws CorrelationStoreException if the value is not a record this version wrote
    */
   static byte[] acceptedKey(byte[] recordKey, byte[] value) {
      if (value.length < 1 + MIN_FIXED_TAIL || !known(value[0])) {
         throw new CorrelationStoreException("stored record is not a version " + VALUE_VERSION_1 + " to " + VALUE_VERSION_5 + " record");
      }
      Reader v = new Reader(value, 1, value.length, "value");
      v.skipString();
      int smsIdEnd = v.at;
      v.skipString(); // account
      v.skipString(); // originGateway
      v.skipString(); // source
      int destinationStart = v.at;
      v.skipString();
      int destinationEnd = v.at;
      int smsIdLength = smsIdEnd - 1;
      int destinationLength = destinationEnd - destinationStart;
      byte[] key = new byte[smsIdLength + destinationLength + 1 + recordKey.length];
      System.arraycopy(value, 1, key, 0, smsIdLength);
      System.arraycopy(value, destinationStart, key, smsIdLength, destinationLength);
      key[smsIdLength + destinationLength] = value[value.length - 1]; // segmentNumber, the value's last byte
      System.arraycopy(recordKey, 0, key, smsIdLength + destinationLength + 1, recordKey.length);
      return key;
   }

   /** What every accepted key of the MT {@code smsId} to {@code destination} starts with. */
   static byte[] acceptedPrefix(String smsId, String destination) {
      byte[] prefix = new byte[stringSize(smsId) + stringSize(destination)];
      writeString(prefix, writeString(prefix, 0, smsId), destination);
      return prefix;
   }

   /** What every accepted key of the MT {@code smsId} starts with, whatever its recipient (every destination of it). */
   static byte[] acceptedPrefix(String smsId) {
      byte[] prefix = new byte[stringSize(smsId)];
      writeString(prefix, 0, smsId);
      return prefix;
   }

   /**
    * The record key at the end of an accepted key that starts with {@code smsIdPrefixLength} bytes of an smsId's prefix
    * ({@link #acceptedPrefix(String)}): the recipient after it is skipped.
    */
   static byte[] recordKeyOfAcceptedAfterSmsId(byte[] acceptedKey, int smsIdPrefixLength) {
      Reader k = new Reader(acceptedKey, smsIdPrefixLength, acceptedKey.length, "accepted-parts index key");
      k.skipString(); // destination
      return recordKeyOfAccepted(acceptedKey, k.at);
   }

   /** The record key at the end of an accepted key that starts with {@code prefixLength} bytes of prefix. */
   static byte[] recordKeyOfAccepted(byte[] acceptedKey, int prefixLength) {
      int from = prefixLength + 1;
      if (acceptedKey.length <= from) {
         throw new CorrelationStoreException("accepted-parts index key of " + acceptedKey.length + " bytes is too short");
      }
      byte[] key = new byte[acceptedKey.length - from];
      System.arraycopy(acceptedKey, from, key, 0, key.length);
      return key;
   }

   /** Reads only the expiry deadline out of a stored value, without building the record. */
   static long expiresAt(byte[] value) {
      if (value.length < 1 + MIN_FIXED_TAIL || !known(value[0])) {
         throw new CorrelationStoreException("stored record is not a version " + VALUE_VERSION_1 + " to " + VALUE_VERSION_5 + " record");
      }
      // The deadline is the last long of the fixed tail, followed by segmentRef(2) segmentTotal(1) segmentNumber(1).
      return readLong(value, value.length - 4 - 8);
   }

   static int writeLong(byte[] out, int at, long value) {
      for (int shift = 56; shift >= 0; shift -= 8) {
         out[at++] = (byte) (value >>> shift);
      }
      return at;
   }

   static long readLong(byte[] in, int at) {
      long value = 0;
      for (int i = 0; i < 8; i++) {
         value = value << 8 | in[at + i] & 0xFF;
      }
      return value;
   }

   private static int stringSize(String s) {
      if (s == null) {
         return 1;
      }
      int length = utf8Length(s);
      return varintLength(length + 1) + length;
   }

   private static int writeString(byte[] out, int at, String s) {
      if (s == null) {
         out[at] = 0;
         return at + 1;
      }
      at = writeVarint(out, at, utf8Length(s) + 1);
      return writeUtf8(out, at, s);
   }

   private static int varintLength(int value) {
      int length = 1;
      while ((value >>>= 7) != 0) {
         length++;
      }
      return length;
   }

   private static int writeVarint(byte[] out, int at, int value) {
      while ((value & ~0x7F) != 0) {
         out[at++] = (byte) (value & 0x7F | 0x80);
         value >>>= 7;
      }
      out[at++] = (byte) value;
      return at;
   }

   /** UTF-8 length of {@code s}; an unpaired surrogate counts as the one byte '?' it is written as. */
   static int utf8Length(String s) {
      int length = 0;
      for (int i = 0, n = s.length(); i < n; i++) {
         char c = s.charAt(i);
         if (c < 0x80) {
            length++;
         } else if (c < 0x800) {
            length += 2;
         } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
            length += 4;
            i++;
         } else if (Character.isSurrogate(c)) {
            length++;
         } else {
            length += 3;
         }
      }
      return length;
   }

   private static int writeUtf8(byte[] out, int at, String s) {
      for (int i = 0, n = s.length(); i < n; i++) {
         char c = s.charAt(i);
         if (c < 0x80) {
            out[at++] = (byte) c;
         } else if (c < 0x800) {
            out[at++] = (byte) (0xC0 | c >> 6);
            out[at++] = (byte) (0x80 | c & 0x3F);
         } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
            int cp = Character.toCodePoint(c, s.charAt(++i));
            out[at++] = (byte) (0xF0 | cp >> 18);
            out[at++] = (byte) (0x80 | cp >> 12 & 0x3F);
            out[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
            out[at++] = (byte) (0x80 | cp & 0x3F);
         } else if (Character.isSurrogate(c)) {
            out[at++] = '?';
         } else {
            out[at++] = (byte) (0xE0 | c >> 12);
            out[at++] = (byte) (0x80 | c >> 6 & 0x3F);
            out[at++] = (byte) (0x80 | c & 0x3F);
         }
      }
      return at;
   }

   /** Bounds-checked cursor over stored bytes: running off the end is a corrupt record, not an index error. */
   private static final class Reader {
      private final byte[] bytes;
      private final int end;
      private final String what;
      private int at;

      Reader(byte[] bytes, int from, int end, String what) {
         this.bytes = bytes;
         this.at = from;
         this.end = end;
         this.what = what;
      }

      int remaining() {
         return end - at;
      }

      private void need(int count) {
         if (count < 0 || count > end - at) {
            throw new CorrelationStoreException("stored record " + what + " is truncated");
         }
      }

      byte b() {
         need(1);
         return bytes[at++];
      }

      long longValue() {
         need(8);
         long value = readLong(bytes, at);
         at += 8;
         return value;
      }

      int varint() {
         int value = 0;
         for (int shift = 0; shift < 32; shift += 7) {
            byte b = b();
            value |= (b & 0x7F) << shift;
            if (b >= 0) {
               return value;
            }
         }
         throw new CorrelationStoreException("stored record " + what + " has an over-long length");
      }

      String utf8(int length) {
         need(length);
         String s = new String(bytes, at, length, StandardCharsets.UTF_8);
         at += length;
         return s;
      }

      String string() {
         int lengthPlusOne = varint();
         return lengthPlusOne == 0 ? null : utf8(lengthPlusOne - 1);
      }

      void skipString() {
         int lengthPlusOne = varint();
         if (lengthPlusOne > 0) {
            need(lengthPlusOne - 1);
            at += lengthPlusOne - 1;
         }
      }
   }
}
