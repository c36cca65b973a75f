import type { Relation } from 'typeorm';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Disclosure } from './disclosure.entity';
import { DataCategory } from './data-category.entity';
import { Subject } from './subject.entity';

/** The categories of personal information one disclosure carried. */
@Entity('disclosure_categories')
@Index('idx_disclosure_categories_category', ['categoryKey'])
// The notice compile's access path: a chunk of people's category rows side by side (migration 1766000400000).
@Index('idx_disclosure_categories_subject', ['subjectId', 'disclosureId', 'categoryKey'])
export class DisclosureCategory {
  @PrimaryColumn({ name: 'disclosure_id', type: 'int', unsigned: true })
  disclosureId!: number;

  @ManyToOne(() => Disclosure, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'disclosure_id', foreignKeyConstraintName: 'fk_disclosure_categories_disclosure_id' })
  disclosure?: Relation<Disclosure>;

  @PrimaryColumn({ name: 'category_key', type: 'varchar', length: 100 })
  categoryKey!: string;

  @ManyToOne(() => DataCategory, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'category_key', foreignKeyConstraintName: 'fk_disclosure_categories_category_key' })
  category?: Relation<DataCategory>;

  /**
   * A copy of the disclosure's subject_id, kept by the database's triggers (migration
   * 1766000400000): never written by the application, read only to find a person's rows fast.
   */
  @Column({ name: 'subject_id', type: 'int', unsigned: true, nullable: true, insert: false, update: false })
  subjectId!: number | null;

  @ManyToOne(() => Subject, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'subject_id', foreignKeyConstraintName: 'fk_disclosure_categories_subject_id' })
  subject?: Relation<Subject> | null;
}
