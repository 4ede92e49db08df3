package io.smsgw.core.concat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smsgw.core.contract.SmsMessageReader;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.id.CmppMsgId;
import java.util.HashSet;
import java.util.Set;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.junit.jupiter.api.Test;

class SplitReferenceTest {

   private static SmsMessageReader withSmsId(long brokerId, String smsId) {
      CoreMessage m = new CoreMessage(brokerId, 64);
      if (smsId != null) {
         m.putStringProperty(SmsProperties.ID, SimpleString.of(smsId));
      }
      return new SmsMessageReader(m);
   }

   @Test
   void messagesOfConsecutiveSecondsGetDifferentReferencesThoughTheirSequencesAreAllZero() {
      // At a message a second or less every Msg_Id has sequence 0: its low 8 bits are the same for all of them.
      Set<Integer> references = new HashSet<>();
      for (int second = 0; second < 60; second++) {
         String id = CmppMsgId.toHex(new CmppMsgId(11, 26, 13, 45, second, 1001, 0).toLong());
         references.add(SplitReference.of(withSmsId(second + 1, id)));
      }
      // 60 values drawn from 256 (expected about 53 distinct); the low 8 bits give one
      assertTrue(references.size() >= 45, references.size() + " distinct references for 60 messages");
      String a = CmppMsgId.toHex(new CmppMsgId(11, 26, 13, 45, 30, 1001, 0).toLong());
      String b = CmppMsgId.toHex(new CmppMsgId(11, 26, 13, 45, 31, 1001, 0).toLong());
      assertNotEquals(SplitReference.of(a), SplitReference.of(b), "two long messages a second apart");
   }

   @Test
   void theSameMessageAlwaysGetsTheSameReference() {
      String id = "bd36d78003e90001";
      int reference = SplitReference.of(withSmsId(1, id));
      assertTrue(reference >= 0 && reference <= 0xFF, "8 bits: " + reference);
      assertEquals(reference, SplitReference.of(withSmsId(2, id)), "the broker id does not count when there is an smsId");
      assertEquals(reference, SplitReference.of(id));
      assertEquals(reference, SplitReference.of(id.toUpperCase()), "a Msg_Id counts by its value");
      assertEquals(SplitReference.of(withSmsId(77, null)), SplitReference.of(withSmsId(77, null)), "no smsId: the broker id");
   }

   @Test
   void otherIdsAreSpreadToo() {
      Set<Integer> shortIds = new HashSet<>();
      Set<Integer> brokerIds = new HashSet<>();
      for (int i = 0; i < 60; i++) {
         shortIds.add(SplitReference.of(String.format("%08x", i << 14))); // 3.3 ids: second << 14, sequence 0
         brokerIds.add(SplitReference.of(withSmsId(i * 256L, null)));
      }
      assertTrue(shortIds.size() >= 45, shortIds.size() + " distinct references for 60 SMPP 3.3 ids");
      assertTrue(brokerIds.size() >= 45, brokerIds.size() + " distinct references for 60 broker ids");
   }
}
