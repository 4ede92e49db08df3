package io.smsgw.smpp.codec;

/** One unsuccess_sme entry of submit_multi_resp: the destination (C21) and its error_status_code (4 bytes). */
public record UnsuccessfulDelivery(Address destAddr, int errorStatusCode) {

    public UnsuccessfulDelivery {
        destAddr = Fields.address(destAddr);
    }
}
