package io.smsgw.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smsgw.core.contract.AccountQueueFilters;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.filter.Filter;
import org.apache.activemq.artemis.core.filter.impl.FilterImpl;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which of an account's sessions may take a message from its queue, as the broker evaluates the sessions' consumer
 * filters: a report only a session of its MT's protocol and SMPP version, everything else any session.
 */
class AccountQueueFiltersTest {

   @ParameterizedTest(name = "{0} {1} {2}: SMPP 3.4 {3}, SMPP 3.3 {4}, CMPP {5}")
   @CsvSource(nullValues = "-", value = {
      // smsKind, smsProtocol, smsProtocolVersion, SMPP 3.4 session, SMPP 3.3 session, CMPP session
      "DR, SMPP, 3.4, true,  false, false",
      "DR, SMPP, 3.3, false, true,  false",
      "DR, SMPP, -,   true,  false, false",
      "DR, CMPP, 3.0, false, false, true",
      "DR, CMPP, 2.0, false, false, true",
      "dr, CMPP, 3.0, false, false, true",
      "Dr, SMPP, 3.3, false, true,  false",
      // an application's MT, or a report an application sends without saying: any session, as before
      "DR, APP,  -,   true,  true,  true",
      "DR, -,    -,   true,  true,  true",
      // MO, whatever protocol they came in by, and messages without a kind (read as MO): any session
      "MO, SMPP, 3.4, true,  true,  true",
      "MO, SMPP, 3.3, true,  true,  true",
      "MO, CMPP, 3.0, true,  true,  true",
      "-,  SMPP, 3.4, true,  true,  true",
      "-,  CMPP, 3.0, true,  true,  true",
   })
   void aReportGoesToASessionOfItsMtsProtocolAndVersionAndAnythingElseToAny(String kind, String protocol, String version,
                                                                            boolean smpp34, boolean smpp33, boolean cmpp)
      throws Exception {
      CoreMessage message = new CoreMessage(1, 256);
      put(message, "smsKind", kind);
      put(message, "smsProtocol", protocol);
      put(message, "smsProtocolVersion", version);
      message.putStringProperty("smsId", "0123456789abcdef");
      assertEquals(smpp34, matches(AccountQueueFilters.smpp(true), message), "SMPP 3.4 session");
      assertEquals(smpp33, matches(AccountQueueFilters.smpp(false), message), "SMPP 3.3 session");
      assertEquals(cmpp, matches(AccountQueueFilters.cmpp(), message), "CMPP session");
   }

   private static void put(CoreMessage message, String name, String value) {
      if (value != null) {
         message.putStringProperty(name, value);
      }
   }

   private static boolean matches(SimpleString filter, CoreMessage message) throws Exception {
      Filter parsed = FilterImpl.createFilter(filter);
      return parsed.match(message);
   }
}
