import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The single row that serializes appends to the audit chain (locked FOR UPDATE by each writer). */
@Entity('audit_chain_head')
export class AuditChainHead {
  @PrimaryColumn({ type: 'tinyint', unsigned: true })
  id!: number;

  @Column({ name: 'last_seq', type: 'int', unsigned: true })
  lastSeq!: number;

  @Column({ name: 'last_hash', type: 'char', length: 64 })
  lastHash!: string;
}
