package io.smsgw.smpp.codec;

import java.util.Arrays;
import java.util.Objects;

/** equals/hashCode/toString for the submit_sm/deliver_sm records, which hold a byte[]. */
final class ShortMessageFields {

    private ShortMessageFields() {
    }

    static boolean equal(ShortMessagePdu a, ShortMessagePdu b) {
        return a.sequenceNumber() == b.sequenceNumber()
                && a.serviceType().equals(b.serviceType())
                && a.sourceAddr().equals(b.sourceAddr())
                && a.destinationAddr().equals(b.destinationAddr())
                && a.esmClass() == b.esmClass()
                && a.protocolId() == b.protocolId()
                && a.priorityFlag() == b.priorityFlag()
                && a.scheduleDeliveryTime().equals(b.scheduleDeliveryTime())
                && a.validityPeriod().equals(b.validityPeriod())
                && a.registeredDelivery() == b.registeredDelivery()
                && a.replaceIfPresentFlag() == b.replaceIfPresentFlag()
                && a.dataCoding() == b.dataCoding()
                && a.smDefaultMsgId() == b.smDefaultMsgId()
                && Arrays.equals(a.shortMessage(), b.shortMessage())
                && a.tlvs().equals(b.tlvs());
    }

    static int hash(ShortMessagePdu p) {
        return 31 * Objects.hash(p.sequenceNumber(), p.serviceType(), p.sourceAddr(), p.destinationAddr(),
                p.esmClass(), p.protocolId(), p.priorityFlag(), p.scheduleDeliveryTime(), p.validityPeriod(),
                p.registeredDelivery(), p.replaceIfPresentFlag(), p.dataCoding(), p.smDefaultMsgId(), p.tlvs())
                + Arrays.hashCode(p.shortMessage());
    }

    static String toString(String name, ShortMessagePdu p) {
        return name + "[sequenceNumber=" + p.sequenceNumber()
                + ", serviceType=" + p.serviceType()
                + ", sourceAddr=" + p.sourceAddr()
                + ", destinationAddr=" + p.destinationAddr()
                + ", esmClass=0x" + Integer.toHexString(p.esmClass())
                + ", protocolId=" + p.protocolId()
                + ", priorityFlag=" + p.priorityFlag()
                + ", scheduleDeliveryTime=" + p.scheduleDeliveryTime()
                + ", validityPeriod=" + p.validityPeriod()
                + ", registeredDelivery=" + p.registeredDelivery()
                + ", replaceIfPresentFlag=" + p.replaceIfPresentFlag()
                + ", dataCoding=0x" + Integer.toHexString(p.dataCoding())
                + ", smDefaultMsgId=" + p.smDefaultMsgId()
                + ", shortMessage=" + Hex.of(p.shortMessage())
                + ", tlvs=" + p.tlvs() + "]";
    }
}
