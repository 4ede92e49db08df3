package io.smsgw.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.junit.jupiter.api.Test;

/** What a message is by its smsKind, for every part of the gateway that asks. */
class SmsKindTest {

   @Test
   void theGatewaysOwnValuesAndApplicationsSpellingsNameTheSameKind() {
      for (SmsKind kind : SmsKind.values()) {
         assertSame(kind, SmsKind.of(kind.propertyValue()), "as the gateway writes it");
         assertSame(kind, SmsKind.of(kind.name()), "as a String (AMQP, JMS)");
         assertSame(kind, SmsKind.of(SimpleString.of(kind.name().toLowerCase(java.util.Locale.ROOT))), "lower case");
      }
      assertSame(SmsKind.DR, SmsKind.of("Dr"));
   }

   @Test
   void aMessageThatDoesNotSayIsAnMo() {
      assertEquals(SmsKind.MO, SmsKind.of(null), "absent: an application talking to an SP");
      assertEquals(SmsKind.MO, SmsKind.of("report"), "not a kind");
      assertEquals(SmsKind.MO, SmsKind.of(""));
   }
}
