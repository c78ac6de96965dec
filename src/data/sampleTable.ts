/** A growable builder of `SampleTable`s (typed columns, so Books-sized tables stay compact). */
import { GrowableColumn } from './behaviourLog';
import type { SampleTable } from './types';

export class SampleTableBuilder {
  private readonly user = new GrowableColumn(new Int32Array(1024));
  private readonly target = new GrowableColumn(new Int32Array(1024));
  private readonly label = new GrowableColumn(new Int32Array(1024));
  private readonly histLen = new GrowableColumn(new Int32Array(1024));

  add(user: number, target: number, label: number, histLen: number): void {
    this.user.push(user);
    this.target.push(target);
    this.label.push(label);
    this.histLen.push(histLen);
  }

  get length(): number {
    return this.user.length;
  }

  build(): SampleTable {
    return {
      user: this.user.toArray().slice(),
      target: this.target.toArray().slice(),
      label: Uint8Array.from(this.label.toArray()),
      histLen: this.histLen.toArray().slice(),
    };
  }
}
