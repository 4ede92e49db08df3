package io.smsgw.core.runtime;

import java.util.concurrent.ConcurrentHashMap;

import io.smsgw.core.receipt.DeliveryState;

/**
 * The final states of the latest MT of this gateway's accounts, by the gateway's own message id, for an SMPP
 * {@code query_sm} after the MT's receipt came (decision 153). Filled by routing when it
 * routes a final report to the account that submitted the MT; in memory only, so a restart forgets it.
 *
 * <p>Bounded: the last {@link #DEFAULT_CAPACITY} reports (each part of a message the gateway split and each destination
 * of a submit_multi is one), the oldest forgotten first. Ids are those the gateway issues, 1 to 16 hex digits (SMPP 3.4 and
 * CMPP ids: 16, SMPP 3.3: 8), kept as numbers; any other id (an application's own) is not kept. Recording allocates
 * nothing: the arrays are made once, at the first report, and a ring of them is the eviction order.
 *
 * <p>Several reports of one id and account (the parts of a split message, the destinations of a submit_multi) make one
 * entry: a state other than DELIVRD replaces DELIVRD and is then kept (the message as a whole was not delivered), and
 * the final date is the latest.
 */
public final class FinalStates {

   /** Reports kept: about 7 MiB of arrays, taken at the first report. */
   public static final int DEFAULT_CAPACITY = 1 << 18;
   /** Accounts numbered in the entries (20 bits); reports of accounts beyond are not kept. */
   private static final int MAX_ACCOUNTS = 1 << 20;

   /** A kept final state: SMPP message_state, error_code (0 when none or not a number up to 255), when it was reached. */
   public record Final(int messageState, int errorCode, long finalMillis) {
   }

   private final int capacity;
   private final ConcurrentHashMap<String, Integer> accountNumbers = new ConcurrentHashMap<>();
   private int accounts;

   // the ring, in report order; a position is used again once every later one was
   private long[] ids;
   private byte[] idLengths;
   private long[] times;
   /** state (4 bits) | error code (8 bits) << 4 | account number (20 bits) << 12 */
   private int[] meta;
   /** Open addressing over the ring positions (position + 1; 0 = free), twice the capacity, linear probing. */
   private int[] index;
   private long written;

   public FinalStates() {
      this(DEFAULT_CAPACITY);
   }

   /** {@code capacity}: a power of two. */
   public FinalStates(int capacity) {
      if (capacity < 2 || Integer.bitCount(capacity) != 1 || capacity > 1 << 28) {
         throw new IllegalArgumentException("capacity must be a power of two, is " + capacity);
      }
      this.capacity = capacity;
   }

   public int capacity() {
      return capacity;
   }

   /**
    * Keeps the final state of MT {@code smsId} of {@code account}. {@code errorCode}: the report's error text
    * ({@code smsErrorCode}), or null. Ignored for a state that is not final or an id the gateway does not issue.
    */
   public void record(CharSequence smsId, String account, DeliveryState state, CharSequence errorCode, long finalMillis) {
      if (!isId(smsId) || account == null || state == null || !state.isFinal()) {
         return;
      }
      long id = idValue(smsId);
      int length = smsId.length();
      int error = parseError(errorCode);
      synchronized (this) {
         int number = accountNumber(account);
         if (number < 0) {
            return;
         }
         if (ids == null) {
            ids = new long[capacity];
            idLengths = new byte[capacity];
            times = new long[capacity];
            meta = new int[capacity];
            index = new int[capacity * 2];
         }
         int slot = find(id, length, number);
         if (slot >= 0) {
            int at = index[slot] - 1;
            int kept = meta[at];
            if ((kept & 0xF) == DeliveryState.DELIVRD.messageState() && state != DeliveryState.DELIVRD) {
               meta[at] = pack(state.messageState(), error, number);
            }
            times[at] = Math.max(times[at], finalMillis);
            return;
         }
         int at = (int) (written & (capacity - 1));
         if (written >= capacity) {
            remove(at);
         }
         written++;
         ids[at] = id;
         idLengths[at] = (byte) length;
         times[at] = finalMillis;
         meta[at] = pack(state.messageState(), error, number);
         int free = home(id);
         while (index[free] != 0) {
            free = (free + 1) & (index.length - 1);
         }
         index[free] = at + 1;
      }
   }

   /** The kept final state of MT {@code smsId} of {@code account}, or null (never kept, forgotten, another account's). */
   public Final lookup(String smsId, String account) {
      if (!isId(smsId) || account == null) {
         return null;
      }
      long id = idValue(smsId);
      Integer number = accountNumbers.get(account);
      if (number == null) {
         return null;
      }
      synchronized (this) {
         if (ids == null) {
            return null;
         }
         int slot = find(id, smsId.length(), number);
         if (slot < 0) {
            return null;
         }
         int at = index[slot] - 1;
         return new Final(meta[at] & 0xF, (meta[at] >>> 4) & 0xFF, times[at]);
      }
   }

   /** A kept final state and the account whose MT it is. */
   public record Kept(String account, Final state) {
   }

   /**
    * The kept final states of MT {@code smsId} whatever account submitted it (an operator's look-up: ids of different
    * accounts may coincide, e.g. SMPP 3.3's short ones), or none: never kept, or forgotten among the last
    * {@link #capacity()} reports. Walks one probe run of the index; allocates only for what it returns.
    */
   public java.util.List<Kept> lookupAnyAccount(String smsId) {
      if (!isId(smsId)) {
         return java.util.List.of();
      }
      long id = idValue(smsId);
      int length = smsId.length();
      java.util.List<long[]> found = new java.util.ArrayList<>(1); // {meta, time} of each entry
      synchronized (this) {
         if (ids == null) {
            return java.util.List.of();
         }
         int mask = index.length - 1;
         for (int slot = home(id); index[slot] != 0; slot = (slot + 1) & mask) {
            int at = index[slot] - 1;
            if (ids[at] == id && idLengths[at] == length) {
               found.add(new long[] {meta[at], times[at]});
            }
         }
      }
      java.util.List<Kept> out = new java.util.ArrayList<>(found.size());
      for (long[] entry : found) {
         int packed = (int) entry[0];
         out.add(new Kept(accountName(packed >>> 12), new Final(packed & 0xF, (packed >>> 4) & 0xFF, entry[1])));
      }
      return out;
   }

   /** The account numbered {@code number} (a walk over the accounts: for look-ups, not for recording). */
   private String accountName(int number) {
      for (java.util.Map.Entry<String, Integer> e : accountNumbers.entrySet()) {
         if (e.getValue() == number) {
            return e.getKey();
         }
      }
      return null;
   }

   private static int pack(int state, int error, int account) {
      return state | error << 4 | account << 12;
   }

   private int accountNumber(String account) {
      Integer number = accountNumbers.get(account);
      if (number != null) {
         return number;
      }
      if (accounts >= MAX_ACCOUNTS) {
         return -1;
      }
      accountNumbers.put(account, accounts);
      return accounts++;
   }

   /** The index slot of the entry, or -1. */
   private int find(long id, int length, int account) {
      int mask = index.length - 1;
      for (int slot = home(id); index[slot] != 0; slot = (slot + 1) & mask) {
         int at = index[slot] - 1;
         if (ids[at] == id && idLengths[at] == length && meta[at] >>> 12 == account) {
            return slot;
         }
      }
      return -1;
   }

   /** Removes ring position {@code at} from the index, moving later entries of its probe run back (no tombstones). */
   private void remove(int at) {
      int mask = index.length - 1;
      int slot = home(ids[at]);
      while (index[slot] != at + 1) {
         if (index[slot] == 0) {
            return; // not indexed (cannot happen)
         }
         slot = (slot + 1) & mask;
      }
      int gap = slot;
      for (int next = (gap + 1) & mask; index[next] != 0; next = (next + 1) & mask) {
         int wanted = home(ids[index[next] - 1]);
         // the entry at next may fill the gap when its home is not in (gap, next] (cyclically)
         boolean between = gap <= next ? wanted > gap && wanted <= next : wanted > gap || wanted <= next;
         if (!between) {
            index[gap] = index[next];
            gap = next;
         }
      }
      index[gap] = 0;
   }

   private int home(long id) {
      long h = id * 0x9E3779B97F4A7C15L;
      return (int) (h >>> 40) & (index.length - 1);
   }

   /** Whether {@code s} is an id kept here: 1 to 16 hex digits, either case. */
   static boolean isId(CharSequence s) {
      if (s == null || s.length() == 0 || s.length() > 16) {
         return false;
      }
      for (int i = 0, n = s.length(); i < n; i++) {
         if (Character.digit(s.charAt(i), 16) < 0) {
            return false;
         }
      }
      return true;
   }

   /** The number an id ({@link #isId}) stands for; all 64 bits (a CMPP Msg_Id's month 8 to 12 sets the sign bit). */
   static long idValue(CharSequence s) {
      long value = 0;
      for (int i = 0, n = s.length(); i < n; i++) {
         value = value << 4 | Character.digit(s.charAt(i), 16);
      }
      return value;
   }

   /** A decimal error of up to three digits and at most 255 (the receipt's err:, a refusal's status); else 0. */
   static int parseError(CharSequence s) {
      if (s == null) {
         return 0;
      }
      int n = s.length();
      if (n == 0 || n > 3) {
         return 0;
      }
      int value = 0;
      for (int i = 0; i < n; i++) {
         char c = s.charAt(i);
         if (c < '0' || c > '9') {
            return 0;
         }
         value = value * 10 + (c - '0');
      }
      return value <= 255 ? value : 0;
   }
}
