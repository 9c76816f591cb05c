-- The board shows each stage's most recently changed opportunities first: this index finds them
-- without sorting every opportunity of the stage.
CREATE INDEX opportunities_stage_updated ON opportunities(stage_id, updated_at, id);
