import {
  decode,
  type Answer,
  type DecodedPacket,
  type OptAnswer,
  type SoaAnswer,
} from 'dns-packet';

/**
 * dns-packet helpers for the DNS filter's tests: full OPT and SOA records (the type definitions
 * want every field), and decoded answers with the fields dns-packet sets but its types omit.
 */

export interface DecodedAnswer extends DecodedPacket {
  readonly rcode: string;
  readonly flag_cd: boolean;
}

export function decodeAnswer(buf: Buffer): DecodedAnswer {
  return decode(buf) as DecodedAnswer;
}

export function opt(
  udpPayloadSize: number,
  options: { readonly dnssecOk?: boolean; readonly ednsVersion?: number } = {},
): OptAnswer {
  return {
    type: 'OPT',
    name: '.',
    udpPayloadSize,
    extendedRcode: 0,
    ednsVersion: options.ednsVersion ?? 0,
    flags: options.dnssecOk === true ? 0x8000 : 0,
    flag_do: options.dnssecOk === true,
    options: [],
  };
}

export function soa(zone: string, ttl: number, minimum: number): SoaAnswer {
  return {
    type: 'SOA',
    name: zone,
    ttl,
    data: {
      mname: `ns.${zone}`,
      rname: `hostmaster.${zone}`,
      serial: 1,
      refresh: 3600,
      retry: 600,
      expire: 86_400,
      minimum,
    },
  };
}

/** The OPT record of a decoded message, if any. */
export function optOf(packet: DecodedPacket): OptAnswer | undefined {
  return (packet.additionals ?? []).find((a): a is OptAnswer => a.type === 'OPT');
}

export function ttlOf(record: Answer | undefined): number | undefined {
  return record !== undefined && 'ttl' in record ? record.ttl : undefined;
}

/** The data of an A, AAAA, CNAME, NS or PTR record as text; '' for other records. */
export function dataOf(record: Answer | undefined): string {
  if (record === undefined) return '';
  switch (record.type) {
    case 'A':
    case 'AAAA':
    case 'CNAME':
    case 'DNAME':
    case 'NS':
    case 'PTR':
      return record.data;
    default:
      return '';
  }
}
