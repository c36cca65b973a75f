import type { Relation } from 'typeorm';
import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Disclosure } from './disclosure.entity';
import { DataCategory } from './data-category.entity';


/** The categories of personal information one disclosure carried. */
@Entity('disclosure_categories')
@Index('idx_disclosure_categories_category', ['categoryKey'])
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
}
