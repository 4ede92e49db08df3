package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.cmpp.codec.StatusReport;
import io.smsgw.core.concat.SplitReference;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsMessageBuilder;
import io.smsgw.core.contract.SmsMessageReader;
import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.junit.jupiter.api.Test;

/** Contract message ↔ CMPP_FWD, both ways, for the pair 001001 → 020001. */
class FwdMessageMapperTest {

   private static final ZoneId ZONE = ZoneOffset.ofHours(8);
   private static final String SMS_ID = "0123456789abcdef";
   private static final long NOW = LocalDateTime.of(2026, 11, 26, 9, 30).atZone(ZONE).toInstant().toEpochMilli();

   private final FwdMessageMapper outgoing = new FwdMessageMapper("001001", "020001", CmppVersion.V30, ZONE);
   private final FwdMessageMapper incoming = new FwdMessageMapper("020001", "001001", CmppVersion.V30, ZONE);

   private static SmsMessageBuilder message(SmsKind kind) {
      return SmsMessageBuilder.create(1, SimpleString.of("sms.gw.020001"), kind).id(SMS_ID)
         .source("10661234", (byte) 0, (byte) 0).destination("13800138000", (byte) 0, (byte) 0);
   }

   private static CoreMessage roundTrip(FwdMessageMapper out, FwdMessageMapper in, CoreMessage message) throws Exception {
      return in.toMessage(out.toFwd(message, 7), 2, NOW);
   }

   @Test
   void anMtKeepsItsFieldsAndCountsTheHop() throws Exception {
      CoreMessage mt = message(SmsKind.MT).string(SmsProperties.ACCOUNT, "901234")
         .string(SmsProperties.SERVICE_ID, "HELP").fee(2, "02", "000010", "13900000000")
         .integer(SmsProperties.REGISTERED_DELIVERY, 1).integer(SmsProperties.PRIORITY, 3)
         .integer(SmsProperties.HOPS, 1).string(SmsProperties.LINK_ID, "L1").text("Hello 世界").build();
      Fwd fwd = outgoing.toFwd(mt, 7);
      assertEquals(Fwd.TYPE_MT, fwd.msgFwdType());
      assertEquals("001001", fwd.sourceId());
      assertEquals("020001", fwd.destinationId());
      assertEquals(2, fwd.nodesCount());
      assertEquals(0x0123456789ABCDEFL, fwd.msgId());
      assertEquals(8, fwd.msgFmt(), "text outside ASCII goes as UCS2");
      assertEquals(List.of("13800138000"), fwd.destIds());
      assertEquals("901234", fwd.msgSrc());

      SmsMessageReader back = new SmsMessageReader(incoming.toMessage(fwd, 2, NOW));
      assertEquals(SmsKind.MT, back.kind());
      assertEquals("sms.mt", back.message().getAddress());
      assertEquals(SMS_ID, back.string(SmsProperties.ID));
      assertEquals("001001", back.string(SmsProperties.ORIGIN_GATEWAY));
      assertEquals(2, back.integer(SmsProperties.HOPS, 0));
      assertEquals("Hello 世界", back.text());
      assertEquals("10661234", back.string(SmsProperties.SOURCE));
      assertEquals("13800138000", back.string(SmsProperties.DESTINATION));
      assertEquals("HELP", back.string(SmsProperties.SERVICE_ID));
      assertEquals("02", back.string(SmsProperties.FEE_TYPE));
      assertEquals("000010", back.string(SmsProperties.FEE_CODE));
      assertEquals("13900000000", back.string(SmsProperties.FEE_TERMINAL));
      assertEquals(2, back.integer(SmsProperties.FEE_USER_TYPE, -1));
      assertEquals(1, back.integer(SmsProperties.REGISTERED_DELIVERY, -1));
      assertEquals(3, back.integer(SmsProperties.PRIORITY, -1));
      assertEquals("901234", back.string(SmsProperties.ACCOUNT));
      assertEquals("L1", back.string(SmsProperties.LINK_ID));
   }

   @Test
   void anMoSegmentKeepsItsUdh() throws Exception {
      byte[] udh = {0x05, 0x00, 0x03, 0x2A, 0x02, 0x01};
      CoreMessage mo = message(SmsKind.MO).udh(udh, udh.length).segment(0x2A, 2, 1).text("part one").build();
      Fwd fwd = outgoing.toFwd(mo, 7);
      assertEquals(Fwd.TYPE_MO, fwd.msgFwdType());
      assertEquals(1, fwd.tpUdhi());
      assertEquals(2, fwd.pkTotal());
      assertEquals(1, fwd.pkNumber());
      SmsMessageReader back = new SmsMessageReader(incoming.toMessage(fwd, 2, NOW));
      assertEquals("sms.mo", back.message().getAddress());
      assertArrayEquals(udh, back.udh());
      assertEquals("part one", back.text());
      assertEquals(2, back.integer(SmsProperties.SEGMENT_TOTAL, 0));
      assertEquals(1, back.integer(SmsProperties.HOPS, 0));
   }

   @Test
   void aFullGsmPartOfALongMoIsForwardedAsOneFwd() throws Exception {
      // a 7-bit part from the SMSC: 153 characters after a 6-octet UDH, 159 octets as CMPP ASCII
      byte[] udh = {0x05, 0x00, 0x03, 0x2B, 0x02, 0x01};
      String part = "p".repeat(153);
      Fwd fwd = outgoing.toFwd(message(SmsKind.MO).udh(udh, udh.length).segment(0x2B, 2, 1).text(part).build(), 7);
      assertEquals(0, fwd.msgFmt());
      assertEquals(159, fwd.msgContent().length);
      SmsMessageReader back = new SmsMessageReader(incoming.toMessage(fwd, 2, NOW));
      assertArrayEquals(udh, back.udh());
      assertEquals(part, back.text());
   }

   @Test
   void anEsmesSarSegmentIsForwardedWithAConcatenationHeaderTheReceiverKeeps() throws Exception {
      // A segment an ESME sent with SAR TLVs (a 16-bit reference): the FWD carries concatenation in the UDH only.
      CoreMessage mt = message(SmsKind.MT).string(SmsProperties.PROTOCOL, "SMPP").segment(0x1234, 2, 2).text("second half").build();
      Fwd fwd = outgoing.toFwd(mt, 7);
      assertEquals(1, fwd.tpUdhi());
      byte[] header = {0x05, 0x00, 0x03, 0x34, 0x02, 0x02};
      assertArrayEquals(header, java.util.Arrays.copyOf(fwd.msgContent(), header.length),
                        "IE 0x00 with the reference's low 8 bits, as the full part 1 of the same message gets");
      SmsMessageReader back = new SmsMessageReader(incoming.toMessage(fwd, 2, NOW));
      assertArrayEquals(header, back.udh());
      assertEquals("second half", back.text());
      assertEquals(0x34, back.integer(SmsProperties.SEGMENT_REF, 0));

      CoreMessage full = message(SmsKind.MT).string(SmsProperties.PROTOCOL, "SMPP").segment(0x1234, 2, 1).text("f".repeat(153)).build();
      byte[] first = outgoing.toFwd(full, 8).msgContent();
      assertArrayEquals(new byte[] {0x05, 0x00, 0x03, 0x34, 0x02, 0x01}, java.util.Arrays.copyOf(first, header.length),
                        "the full part: same IE and reference, so the handset joins the two");
   }

   @Test
   void anMtReportCarriesTheStatusReportOfTheOriginalMsgId() throws Exception {
      long submitted = LocalDateTime.of(2026, 11, 26, 9, 1).atZone(ZONE).toInstant().toEpochMilli();
      CoreMessage dr = message(SmsKind.DR).string(SmsProperties.STATUS, "DELIVRD").submitTime(submitted).doneTime(NOW)
         .text("").build();
      Fwd fwd = outgoing.toFwd(dr, 7);
      assertEquals(Fwd.TYPE_MT_REPORT, fwd.msgFwdType());
      assertEquals(71, fwd.msgContent().length);
      StatusReport report = StatusReport.parse(fwd.msgContent(), CmppVersion.V30).orElseThrow();
      assertEquals(0x0123456789ABCDEFL, report.msgId());
      assertEquals("2611260901", report.submitTime());
      assertEquals("2611260930", report.doneTime());
      SmsMessageReader back = new SmsMessageReader(incoming.toMessage(fwd, 2, NOW));
      assertEquals("sms.dr", back.message().getAddress());
      assertEquals(SmsKind.DR, back.kind());
      assertEquals(SMS_ID, back.string(SmsProperties.ID));
      assertEquals("DELIVRD", back.string(SmsProperties.STATUS));
      assertEquals(submitted, back.longValue(SmsProperties.SUBMIT_TIME, 0));
      assertEquals(NOW, back.longValue(SmsProperties.DONE_TIME, 0));
      assertNull(back.string(FwdMessageMapper.REPORT_OF));
   }

   @Test
   void anMtReportKeepsTheFeeFieldsTheOriginBillsWith() throws Exception {
      CoreMessage dr = message(SmsKind.DR).string(SmsProperties.STATUS, "DELIVRD").string(SmsProperties.ACCOUNT, "901234")
         .fee(2, "01", "000000", "13900000000").doneTime(NOW).text("").build();
      SmsMessageReader back = new SmsMessageReader(roundTrip(outgoing, incoming, dr));
      assertEquals("01", back.string(SmsProperties.FEE_TYPE), "a free MT stays free at the origin");
      assertEquals("000000", back.string(SmsProperties.FEE_CODE));
      assertEquals("13900000000", back.string(SmsProperties.FEE_TERMINAL));
      assertEquals(2, back.integer(SmsProperties.FEE_USER_TYPE, -1));
      assertEquals("901234", back.string(SmsProperties.ACCOUNT));
   }

   @Test
   void anMoReportIsType3WithTheSixtyOctetLayout() throws Exception {
      CoreMessage dr = message(SmsKind.DR).string(SmsProperties.STATUS, "UNDELIV")
         .string(FwdMessageMapper.REPORT_OF, "MO").doneTime(NOW).text("").build();
      Fwd fwd = outgoing.toFwd(dr, 7);
      assertEquals(Fwd.TYPE_MO_REPORT, fwd.msgFwdType());
      assertEquals(60, fwd.msgContent().length);
      SmsMessageReader back = new SmsMessageReader(incoming.toMessage(fwd, 2, NOW));
      assertEquals("sms.dr", back.message().getAddress());
      assertEquals("UNDELIV", back.string(SmsProperties.STATUS));
      assertEquals("MO", back.string(FwdMessageMapper.REPORT_OF));
   }

   @Test
   void binaryContentStaysBinary() throws Exception {
      byte[] data = {1, 2, 3, (byte) 0xFF};
      CoreMessage mt = message(SmsKind.MT).bytes(data, 0, data.length).build();
      SmsMessageReader back = new SmsMessageReader(roundTrip(outgoing, incoming, mt));
      assertArrayEquals(data, back.bytes());
   }

   @Test
   void whatFwdCannotCarryIsRefused() {
      assertThrows(IllegalArgumentException.class,
         () -> outgoing.toFwd(message(SmsKind.MT).id("not-hex").text("x").build(), 1));
      assertThrows(IllegalArgumentException.class,
         () -> outgoing.toFwd(message(SmsKind.MT).text("x".repeat(160)).build(), 1));
      Fwd unknownType = new Fwd(1, "001001", "020001", 1, 7, 1L, 1, 1, 0, 0, "", 0, "", "", 0, 0, 0, 0, "", "", "",
         "", "", "", "", 0, 0, List.of("1"), "", 0, new byte[0], "", "");
      assertThrows(IllegalArgumentException.class, () -> incoming.toMessage(unknownType, 1, NOW));
      Fwd shortReport = new Fwd(1, "001001", "020001", 1, Fwd.TYPE_MT_REPORT, 1L, 1, 1, 0, 0, "", 0, "", "", 0, 0, 0, 0,
         "", "", "", "", "", "", "", 0, 0, List.of("1"), "", 0, new byte[10], "", "");
      assertThrows(IllegalArgumentException.class, () -> incoming.toMessage(shortReport, 1, NOW));
   }

   @Test
   void aLongMessageGoesAsPartsSizedForTheHandset() throws Exception {
      String chinese = "短信网关测试".repeat(14); // 84 UCS2 characters: 67 + 17
      List<Fwd> ucs2 = outgoing.toFwds(message(SmsKind.MO).text(chinese).build(), 7);
      assertEquals(2, ucs2.size());
      assertEquals(7, ucs2.get(0).sequenceId());
      StringBuilder joined = new StringBuilder();
      for (Fwd part : ucs2) {
         assertEquals(8, part.msgFmt());
         assertEquals(1, part.tpUdhi());
         assertEquals(2, part.pkTotal());
         assertEquals(Fwd.TYPE_MO, part.msgFwdType());
         SmsMessageReader back = new SmsMessageReader(incoming.toMessage(part.withSequenceId(9), 2, NOW));
         assertEquals(part.pkNumber(), back.integer(SmsProperties.SEGMENT_NUMBER, 0));
         assertEquals(SplitReference.of(SMS_ID), back.integer(SmsProperties.SEGMENT_REF, 0), "from the Msg_Id");
         joined.append(back.text());
      }
      assertEquals(140, ucs2.get(0).msgContent().length, "6 octets of header and 67 characters");
      assertEquals(chinese, joined.toString());

      byte[] data = new byte[300];
      List<Fwd> binary = outgoing.toFwds(message(SmsKind.MT).bytes(data, 0, data.length).build(), 1);
      assertEquals(List.of(140, 140, 38), binary.stream().map(f -> f.msgContent().length).toList());

      // ASCII outside GSM 7-bit (a backtick) is cut for a UCS2 handset: 67 characters a part
      List<Fwd> backticks = outgoing.toFwds(message(SmsKind.MT).text("`".repeat(170)).build(), 1);
      assertEquals(List.of(73, 73, 42), backticks.stream().map(f -> f.msgContent().length).toList());
      assertEquals(0, backticks.get(0).msgFmt());

      assertEquals(List.of(1), outgoing.toFwds(message(SmsKind.MT).text("short").build(), 1).stream().map(Fwd::pkTotal).toList());
   }

   @Test
   void aSegmentTooLongForOneFwdIsNotSplitAgain() {
      byte[] udh = {0x05, 0x00, 0x03, 0x2A, 0x02, 0x01};
      FwdMessageMapper.NotForwardable refused = assertThrows(FwdMessageMapper.NotForwardable.class,
         () -> outgoing.toFwds(message(SmsKind.MT).udh(udh, udh.length).segment(0x2A, 2, 1).text("x".repeat(154)).build(), 1));
      assertEquals(FwdMessageMapper.NOT_CARRIED_ERROR, refused.errorCode());
      assertEquals(FwdMessageMapper.NO_MSG_ID_ERROR, FwdMessageMapper.errorCode(assertThrows(IllegalArgumentException.class,
         () -> outgoing.toFwds(message(SmsKind.MT).id("1234abcd").text("x").build(), 1))));
   }

   @Test
   void theReportOfOnePartKeepsItsNumber() throws Exception {
      CoreMessage dr = message(SmsKind.DR).string(SmsProperties.STATUS, "DELIVRD").segment(0xEF, 2, 2).doneTime(NOW).text("").build();
      SmsMessageReader back = new SmsMessageReader(roundTrip(outgoing, incoming, dr));
      assertEquals(2, back.integer(SmsProperties.SEGMENT_TOTAL, 0));
      assertEquals(2, back.integer(SmsProperties.SEGMENT_NUMBER, 0));
   }

   @Test
   void theReportOnAMessageWithAPropertyThatIsNoNumberIsStillMade() {
      CoreMessage mt = message(SmsKind.MT).string(SmsProperties.ACCOUNT, "901234").text("x").build();
      mt.putStringProperty(SmsProperties.REGISTERED_DELIVERY, SimpleString.of("yes"));
      mt.putStringProperty(SmsProperties.SUBMIT_TIME, SimpleString.of(""));
      SmsMessageReader report = new SmsMessageReader(FwdMessageMapper.undeliveredReport(mt, 3, NOW, FwdMessageMapper.NOT_CARRIED_ERROR));
      assertEquals("UNDELIV", report.string(SmsProperties.STATUS));
      assertEquals("106", report.string(SmsProperties.ERROR_CODE));
      assertEquals(NOW, report.longValue(SmsProperties.SUBMIT_TIME, 0));
      assertEquals("901234", report.string(SmsProperties.ACCOUNT));
   }

   @Test
   void theHopLimitReportGoesBackAsUndeliverable() {
      CoreMessage mt = message(SmsKind.MT).string(SmsProperties.ACCOUNT, "901234").integer(SmsProperties.HOPS, 5)
         .text("x").build();
      assertEquals(6, FwdMessageMapper.nodesCount(mt));
      SmsMessageReader report = new SmsMessageReader(FwdMessageMapper.hopLimitReport(mt, 3, NOW));
      assertEquals("sms.dr", report.message().getAddress());
      assertEquals(SmsKind.DR, report.kind());
      assertEquals(SMS_ID, report.string(SmsProperties.ID));
      assertEquals("UNDELIV", report.string(SmsProperties.STATUS));
      assertEquals("IB:0001", report.string(SmsProperties.ERROR_CODE));
      assertEquals("13800138000", report.string(SmsProperties.SOURCE));
      assertEquals("901234", report.string(SmsProperties.ACCOUNT));
   }
}
