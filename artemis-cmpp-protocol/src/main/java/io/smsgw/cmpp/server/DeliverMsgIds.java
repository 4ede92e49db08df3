package io.smsgw.cmpp.server;

import io.smsgw.core.id.CmppMsgId;

/**
 * The Msg_Id of a DELIVER, taken from the message rather than from a counter, so that it is the same on every attempt
 * (the SP's DELIVER_RESP lost, the connection dropped, the broker restarted) and an SP that drops DELIVERs by Msg_Id
 * recognises one it already has; nothing is written before the first attempt (decision 82).
 *
 * <ul>
 *   <li>An MO that goes as one DELIVER and whose smsId is a Msg_Id with a month of 1 to 12 (what this gateway's SMSC
 *       links and routing give an MO, or what a peer gateway forwarded it with) goes under that id.</li>
 *   <li>Everything else (a status report, whose smsId is the MT's Msg_Id; an MO without such an smsId; each part of
 *       a long MO) goes under an id made from the broker's id of the message, which the journal keeps with the
 *       message and the broker never gives to another, with this gateway's code in its place. Its month, one that no
 *       Msg_Id the gateway issues has, tells the kind, and the 38 bits of the other fields hold: month 0, one DELIVER,
 *       the broker id's low 38 bits; month 13, a part of an MO in at most 4, the low 36 bits and the part's index in
 *       2; month 14, a part of a longer MO, the low 30 bits and the index in 8. These never equal an smsId, an MT's
 *       Msg_Id or each other, unless the broker ids of two messages are a multiple of 2^38 (2^36, 2^30) apart. The
 *       time fields hold no time.</li>
 * </ul>
 */
final class DeliverMsgIds {

   private static final int MONTH_SHIFT = 60;
   private static final int GATEWAY_SHIFT = 16;
   /** Day, hour, minute and second fields: the 22 bits above the gateway code. */
   private static final int TIME_SHIFT = 38;
   private static final long SEQUENCE_MASK = 0xFFFF;
   private static final long FREE_MASK = (1L << 38) - 1;
   /** Month 0; also what {@link #issued} returns for no Msg_Id, which no id of a month 1 to 12 can be. */
   private static final long SINGLE = 0L;
   private static final long SHORT_PART = 13L << MONTH_SHIFT;
   private static final long LONG_PART = 14L << MONTH_SHIFT;
   /** Parts a short-part id has room for: 2 index bits. */
   private static final int SHORT_PARTS = 4;

   private final long gatewayBits;

   DeliverMsgIds(int gatewayCode) {
      this.gatewayBits = (long) gatewayCode << GATEWAY_SHIFT;
   }

   /** An MO sent as one DELIVER: its smsId when that is a Msg_Id of a real month, else from its broker id. */
   long mo(Object smsId, long brokerMessageId) {
      long issued = issued(smsId);
      return issued != SINGLE ? issued : single(brokerMessageId);
   }

   /** A status report, or an MO without a Msg_Id of its own. */
   long single(long brokerMessageId) {
      return compose(SINGLE, brokerMessageId);
   }

   /** Part {@code index} (from 0) of a long MO in {@code total} parts (at most 255, a UDH's count). */
   long part(long brokerMessageId, int index, int total) {
      return total <= SHORT_PARTS ? compose(SHORT_PART, brokerMessageId << 2 | index)
         : compose(LONG_PART, brokerMessageId << 8 | index);
   }

   private long compose(long month, long value) {
      long free = value & FREE_MASK;
      return month | (free >>> 16) << TIME_SHIFT | gatewayBits | free & SEQUENCE_MASK;
   }

   /**
    * The smsId as a Msg_Id if it is 16 hex digits with a month of 1 to 12, else 0 (month 0). Read from the property as
    * it is (a SimpleString is a CharSequence): nothing allocated.
    */
   static long issued(Object smsId) {
      if (!(smsId instanceof CharSequence id) || id.length() != CmppMsgId.HEX_LENGTH) {
         return SINGLE;
      }
      long value = 0;
      for (int i = 0; i < CmppMsgId.HEX_LENGTH; i++) {
         int digit = Character.digit(id.charAt(i), 16);
         if (digit < 0) {
            return SINGLE;
         }
         value = value << 4 | digit;
      }
      long month = value >>> MONTH_SHIFT;
      return month >= 1 && month <= 12 ? value : SINGLE;
   }
}
